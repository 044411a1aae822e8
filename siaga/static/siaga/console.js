// Keyboard-first console behaviour: queue navigation, shortcuts, category defaults,
// place picking, duplicate linking, waiting timers and the agency alarm.
(function () {
  "use strict";
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const typing = (el) => el && (el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
    (el.tagName === "INPUT" && el.type !== "radio" && el.type !== "checkbox"));

  // Waiting time on queue items, updated every second.
  function tickWaits() {
    const now = Date.now();
    $$("[data-since]").forEach(function (item) {
      const wait = $("[data-wait]", item);
      if (!wait) return;
      const seconds = Math.max(0, Math.round((now - Date.parse(item.dataset.since)) / 1000));
      const m = Math.floor(seconds / 60), s = String(seconds % 60).padStart(2, "0");
      wait.textContent = m + ":" + s;
    });
  }
  // Acknowledgement deadlines count down; past zero they say so.
  function tickDeadlines() {
    const now = Date.now();
    $$("[data-deadline]").forEach(function (el) {
      const left = Math.round((Date.parse(el.dataset.deadline) - now) / 1000);
      const abs = Math.abs(left), text = Math.floor(abs / 60) + ":" + String(abs % 60).padStart(2, "0");
      el.textContent = left >= 0 ? text : "−" + text;
      el.classList.toggle("late", left < 0);
    });
  }
  // A unit too long in its status turns its row red without waiting for a refresh.
  function tickOverdue() {
    const now = Date.now();
    $$("[data-overdue-at]").forEach(function (el) {
      const row = el.closest("tr") || el;
      row.classList.toggle("overdue", Date.parse(el.dataset.overdueAt) < now);
    });
  }
  setInterval(function () { tickWaits(); tickDeadlines(); tickOverdue(); }, 1000);
  document.addEventListener("htmx:afterSwap", tickWaits);

  // Shortcuts: J/K move through the queue, N manual call, 1–8 classification, Ctrl+Enter save.
  document.addEventListener("keydown", function (event) {
    const form = $("#triage-form");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (typing(document.activeElement) || event.altKey || event.ctrlKey || event.metaKey) return;
    const items = $$(".queue-item");
    const at = items.indexOf(document.activeElement);
    if (event.key === "j" || event.key === "ArrowDown") {
      if (items.length) { event.preventDefault(); items[Math.min(at + 1, items.length - 1)].focus(); }
    } else if (event.key === "k" || event.key === "ArrowUp") {
      if (items.length) { event.preventDefault(); items[Math.max(at - 1, 0)].focus(); }
    } else if (event.key === "n" || event.key === "N") {
      const manual = $("#manual-caller");
      if (manual) { event.preventDefault(); manual.focus(); }
    } else if (/^[1-8]$/.test(event.key) && form) {
      const radios = $$("input[name=classification]", form);
      const radio = radios[Number(event.key) - 1];
      if (radio) { event.preventDefault(); radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
    }
  });

  // Only an emergency needs the incident fields; a silent call gets the call-back prompt.
  function showFor(form) {
    const chosen = $("input[name=classification]:checked", form);
    const value = chosen ? chosen.value : "";
    const fields = $(".emergency-fields", form);
    if (fields) fields.hidden = value !== "" && value !== "emergency";
    const silent = $(".silent-prompt", form);
    if (silent) silent.hidden = value !== "silent";
  }

  document.addEventListener("change", function (event) {
    const form = event.target.closest("#triage-form");
    if (!form) return;
    if (event.target.name === "classification") showFor(form);
    if (event.target.id === "id_category") {
      // The category suggests the agencies; the call taker may change them.
      const option = event.target.selectedOptions[0];
      const suggested = (option && option.dataset.agencies || "").trim().split(/\s+/);
      $$("input[name=agencies]", form).forEach(function (box) { box.checked = suggested.includes(box.value); });
    }
  });

  function refreshDuplicates() {
    const panel = $("#duplicates");
    if (panel && window.htmx) window.htmx.trigger(panel, "refresh");
    const whose = $("#whose");
    if (whose && window.htmx) window.htmx.trigger(whose, "refresh");
  }

  document.addEventListener("click", function (event) {
    const place = event.target.closest("button.place");
    const fix = event.target.closest("button.use-fix");
    const duplicate = event.target.closest("button.link-duplicate");
    const form = $("#triage-form");
    if (!form) return;
    if (place || fix) {
      const source = place || fix;
      $("#id_lat", form).value = source.dataset.lat || "";
      $("#id_lon", form).value = source.dataset.lon || "";
      if (place) {
        $("#id_address", form).value = place.dataset.label;
        $("input[name=landmark]", form).value = place.dataset.landmark || "";
        $("#places").innerHTML = "";
      }
      refreshDuplicates();
    }
    if (duplicate) {
      $("input[name=duplicate_of]", form).value = duplicate.dataset.number;
      const radio = $("input[name=classification][value=duplicate]", form);
      if (radio) radio.checked = true;
      form.requestSubmit();
    }
  });

  // The alarm: a tone every two seconds while anything on the page is marked
  // data-alarm-source (an unacknowledged dispatch, an escalation on the board).
  let audio = null, alarm = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const tone = audio.createOscillator(), gain = audio.createGain();
      tone.frequency.value = 880; gain.gain.value = 0.2;
      tone.connect(gain); gain.connect(audio.destination);
      tone.start(); tone.stop(audio.currentTime + 0.35);
    } catch (error) { /* no audio device: the highlight still shows */ }
  }
  function checkAlarm() {
    const pending = $$("[data-alarm-source]").length > 0;
    document.body.dataset.alarm = pending ? "on" : "off";
    if (pending && !alarm) { beep(); alarm = setInterval(beep, 2000); }
    if (!pending && alarm) { clearInterval(alarm); alarm = null; }
  }
  document.addEventListener("htmx:afterSwap", checkAlarm);

  document.addEventListener("DOMContentLoaded", function () {
    const form = $("#triage-form");
    if (form) { showFor(form); const first = $("input[name=classification]", form); if (first) first.focus(); }
    tickWaits();
    checkAlarm();
  });
})();
