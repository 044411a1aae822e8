from django.urls import path

from siaga.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("insiden/<str:number>/", views.refer, name="refer"),
    path("<str:referral_id>/jawab/", views.answer, name="answer"),
    path("<str:referral_id>/terima/", views.accept, name="accept"),
    path("<str:referral_id>/tolak/", views.decline, name="decline"),
]
