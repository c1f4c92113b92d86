from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga.core import zones
from minga.core.clients import client_address
from minga.core.middleware import remember_language

from . import actions
from .forms import LoginForm, PasswordResetRequestForm, PhoneCodeForm, ProfileForm, SignUpForm


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _address(request) -> str:
    return client_address(request)


def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    # The time zone starts from the browser's region (Accept-Language "pt-BR": Brazil's).
    zone = zones.zone_from_accept_language(request.headers.get("Accept-Language", ""))
    initial = {"preferred_language": request.LANGUAGE_CODE, "timezone": zone or "UTC"}
    form = SignUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = actions.sign_up(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            password=data["password1"],
            preferred_language=data["preferred_language"],
            timezone_name=data["timezone"],
            base_url=_base_url(request),
            address=_address(request),
        )
        login(request, user, backend="minga.accounts.backends.EmailOrPhoneBackend")
        # In the language just chosen, which the next page is shown in (it may not be the one
        # the form was read in).
        with translation.override(user.preferred_language):
            if user.email:
                messages.success(
                    request, _("Welcome! We sent you an e-mail to confirm your address.")
                )
            else:
                messages.success(request, _("Welcome to Minga!"))
            if user.phone:
                messages.info(request, _("Confirm your phone number with the code we sent by SMS."))
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "accounts:profile"
        return redirect(target)
    return render(request, "accounts/signup.html", {"form": form})


class LogoutView(auth_views.LogoutView):
    """Django's, keeping the language the person was reading in.

    Without it a person whose language came from their profile (no switcher cookie) would
    read the signed-out page, and every page after it, in the browser's language.
    """

    def post(self, request, *args, **kwargs):
        language = translation.get_language()
        response = super().post(request, *args, **kwargs)
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and language:
            remember_language(response, language)
        return response


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"person": request.user})


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        user = actions.update_profile(user=request.user, actor=request.user, changes=changes)
        if "email" in changes and user.email:
            actions.send_verification_email(user=user, base_url=_base_url(request))
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        if "phone" in changes and user.phone:
            actions.send_phone_code(user=user, address=_address(request))
            response = redirect("accounts:phone-verify")
        if "preferred_language" in changes:
            response.delete_cookie("minga_language")
        return response
    return render(request, "accounts/profile_edit.html", {"form": form})


def verify_email(request, token):
    user = actions.verify_email(token=token)
    if user is None:
        messages.error(request, _("This confirmation link is not valid or has expired."))
    else:
        messages.success(request, _("Your e-mail address is confirmed."))
    return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")


@login_required
@require_POST
def resend_verification(request):
    if request.user.email and not request.user.is_email_verified:
        actions.send_verification_email(user=request.user, base_url=_base_url(request))
        messages.success(request, _("We sent you a new confirmation e-mail."))
    return redirect("accounts:profile")


@login_required
def phone_verify(request):
    """Type back the code sent by SMS to confirm one's phone number."""
    form = PhoneCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = actions.confirm_phone(user=request.user, code=form.cleaned_data["code"])
        if result is actions.CodeCheck.VERIFIED:
            messages.success(request, _("Your phone number is confirmed."))
            return redirect("accounts:profile")
        if result is actions.CodeCheck.WRONG:
            form.add_error("code", _("This is not the code we sent. Check it and try again."))
        else:
            form.add_error("code", _("This code does not work any more. Ask for a new one."))
    return render(request, "accounts/phone_verify.html", {"form": form, "person": request.user})


@login_required
@require_POST
def phone_code_send(request):
    if request.user.phone and not request.user.is_phone_verified:
        if actions.send_phone_code(user=request.user, address=_address(request)):
            messages.success(
                request, _("We sent a code by SMS to %(phone)s.") % {"phone": request.user.phone}
            )
        else:
            messages.error(request, _("Too many codes were asked for. Try again later."))
    return redirect("accounts:phone-verify")


def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.request_password_reset(
            identifier=form.cleaned_data["identifier"],
            address=_address(request),
            base_url=_base_url(request),
        )
        # The same answer whether or not the account exists: no way to probe who is here.
        messages.success(
            request,
            _("If an account matches, a link to choose a new password is on its way."),
        )
        return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        messages.success(self.request, _("Your new password is set. Sign in with it."))
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)
