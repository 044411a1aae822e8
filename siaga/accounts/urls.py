from django.urls import path

from siaga.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.SignInView.as_view(), name="login"),
    path("keluar/", views.sign_out, name="logout"),
    path("kode/", views.second_step, name="second_step"),
    path("dua-langkah/", views.two_step_page, name="two_step"),
    path("sesi/", views.sessions_page, name="sessions"),
    path("sesi/<str:handle>/akhiri/", views.ending_session, name="end_session"),
]
