"""One module per inbound channel: its verification, its parser, its webhook route.

Each module exposes `router` (a ninja Router mounted under /hooks/) and turns what the
provider sends into `record_contact(...)` calls. CONTRIBUTING.md has the checklist for
adding one.
"""
