"""The settings page (display name, bio, languages, interface language, avatar
checked by content), password change, and the public profile in page and API."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cocreate.accounts.models import User
from cocreate.core.models import Event
from tests.accounts.conftest import NEW_PASSWORD, image_bytes, png_declaring
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STORED_NAME = re.compile(r"^avatars/[0-9a-f]{32}\.png$")
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


@pytest.fixture
def ada(db) -> User:
    return UserFactory(email="ada@example.org", display_name="Ada", bio="Engines.")


@pytest.fixture
def client(ada) -> Client:
    client = Client()
    client.force_login(ada)
    return client


def save_settings(client: Client, **fields):
    data = {"display_name": "Ada", "bio": "Engines.", "languages": "", "language": "en"}
    data.update(fields)
    return client.post("/accounts/settings/", data)


def stored_files(media_root) -> list:
    folder = media_root / "avatars"
    return sorted(folder.iterdir()) if folder.exists() else []


def profile_events() -> int:
    return Event.objects.filter(kind="account.profile_updated").count()


def test_settings_page_needs_a_signed_in_member():
    response = Client().get("/accounts/settings/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_settings_page_shows_the_current_profile(client):
    response = client.get("/accounts/settings/")
    assert response.status_code == 200
    assert b'value="Ada"' in response.content
    assert b"Engines." in response.content


def test_saving_the_profile_updates_every_field_and_records_an_event(client, ada):
    response = save_settings(
        client,
        display_name="  Ada   Lovelace ",
        bio="Notes on the analytical engine.",
        languages="English, 中文，Français, English",
        language="zh-hans",
    )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.display_name == "Ada Lovelace"
    assert ada.bio == "Notes on the analytical engine."
    assert ada.languages == ["English", "中文", "Français"]
    assert ada.language == "zh-hans"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    event = Event.objects.get(kind="account.profile_updated")
    assert event.actor_id == ada.pk
    assert set(event.data["fields"]) >= {"display_name", "bio", "languages", "language"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("display_name", "   "), ("display_name", "x" * 61), ("bio", "x" * 281), ("language", "fr")],
)
def test_an_invalid_profile_field_is_refused_and_nothing_is_saved(client, ada, field, value):
    response = save_settings(client, **{"bio": "Changed", field: value})
    assert response.status_code in (200, 422)
    assert response.context["form"].errors
    ada.refresh_from_db()
    assert (ada.display_name, ada.bio, ada.language) == ("Ada", "Engines.", "en")
    assert profile_events() == 0


def test_more_than_ten_languages_are_refused(client, ada):
    response = save_settings(client, languages=", ".join(f"Lang{i}" for i in range(11)))
    assert response.status_code == 422
    ada.refresh_from_db()
    assert ada.languages == []
    assert profile_events() == 0


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_real_image_is_stored_reencoded_as_png_under_a_random_name(client, ada, media_root, fmt):
    upload = SimpleUploadedFile(
        f"my-face.{fmt.lower()}", image_bytes(fmt, size=(600, 400)), f"image/{fmt.lower()}"
    )
    response = save_settings(client, avatar=upload)

    assert response.status_code == 302
    ada.refresh_from_db()
    assert STORED_NAME.match(ada.avatar.name), ada.avatar.name
    assert "my-face" not in ada.avatar.name
    with ada.avatar.open("rb") as f:
        data = f.read()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert max(image.size) <= 256
    assert len(stored_files(media_root)) == 1
    assert "avatar" in Event.objects.get(kind="account.profile_updated").data["fields"]


def test_trailing_html_after_a_real_png_is_not_stored(client, ada, media_root):
    upload = SimpleUploadedFile("a.png", image_bytes("PNG") + HTML, "image/png")
    assert save_settings(client, avatar=upload).status_code == 302
    ada.refresh_from_db()
    with ada.avatar.open("rb") as f:
        assert b"<script" not in f.read()


def test_a_new_avatar_replaces_the_old_file(client, ada, media_root):
    save_settings(client, avatar=SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png"))
    ada.refresh_from_db()
    first = ada.avatar.name
    save_settings(client, avatar=SimpleUploadedFile("b.jpg", image_bytes("JPEG"), "image/jpeg"))
    ada.refresh_from_db()
    assert ada.avatar.name != first
    assert [p.name for p in stored_files(media_root)] == [ada.avatar.name.split("/")[1]]


def test_remove_avatar_deletes_it(client, ada, media_root):
    save_settings(client, avatar=SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png"))
    assert save_settings(client, remove_avatar="on").status_code == 302
    ada.refresh_from_db()
    assert not ada.avatar
    assert stored_files(media_root) == []


BAD_UPLOADS = {
    "text file named .png": ("avatar.png", b"just some text, not an image\n" * 20, "image/png"),
    "png signature then html": ("avatar.png", b"\x89PNG\r\n\x1a\n" + HTML, "image/png"),
    "html named .png": ("avatar.png", HTML, "image/png"),
    "svg with script": ("avatar.svg", SVG, "image/svg+xml"),
    "svg with script named .png": ("avatar.png", SVG, "image/png"),
    "over 5 MB": (
        "big.png",
        image_bytes("PNG") + b"\0" * (5 * 1024 * 1024),
        "image/png",
    ),
    "bomb 30000x30000": ("bomb.png", png_declaring(30000, 30000), "image/png"),
    "bomb 10000x10000": ("bomb.png", png_declaring(10000, 10000), "image/png"),
    "over the pixel limit 8000x8000": ("big.png", png_declaring(8000, 8000), "image/png"),
}


@pytest.mark.parametrize("kind", list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_with_422_and_nothing_is_saved(client, ada, media_root, kind):
    name, content, content_type = BAD_UPLOADS[kind]
    response = save_settings(
        client,
        display_name="Changed Name",
        avatar=SimpleUploadedFile(name, content, content_type),
    )
    assert response.status_code == 422
    ada.refresh_from_db()
    assert not ada.avatar
    assert ada.display_name == "Ada"
    assert stored_files(media_root) == []
    assert profile_events() == 0


def test_a_refused_save_does_not_show_the_unsaved_name_as_my_name(client, ada, media_root):
    response = save_settings(
        client, display_name="Changed Name", avatar=SimpleUploadedFile("x.png", HTML, "image/png")
    )
    assert response.status_code == 422
    # The form may repeat what was typed, but the page header shows the saved name.
    assert b"<span>Changed Name</span>" not in response.content
    assert b"<span>Ada</span>" in response.content


def test_a_bad_upload_keeps_the_previous_avatar(client, ada, media_root):
    save_settings(client, avatar=SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png"))
    ada.refresh_from_db()
    previous = ada.avatar.name
    events_before = profile_events()
    response = save_settings(client, avatar=SimpleUploadedFile("x.png", HTML, "image/png"))
    assert response.status_code == 422
    ada.refresh_from_db()
    assert ada.avatar.name == previous
    assert len(stored_files(media_root)) == 1
    assert profile_events() == events_before


def test_an_empty_file_is_a_form_error_and_nothing_is_saved(client, ada, media_root):
    response = save_settings(
        client, display_name="Changed Name", avatar=SimpleUploadedFile("a.png", b"", "image/png")
    )
    assert response.context["form"].errors["avatar"]
    ada.refresh_from_db()
    assert (ada.avatar.name, ada.display_name) == ("", "Ada")
    assert stored_files(media_root) == []
    assert profile_events() == 0


def test_the_stored_avatar_is_served_as_a_png(client, ada):
    # The media URL serves the configured MEDIA_ROOT, so no temporary one here.
    save_settings(client, avatar=SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png"))
    ada.refresh_from_db()
    response = Client().get(ada.avatar.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    ada.avatar.delete(save=False)


# --- password change -------------------------------------------------------------


def change_password(client: Client, current: str, new: str):
    return client.post(
        "/accounts/settings/password/", {"current_password": current, "new_password": new}
    )


def test_change_password_with_the_current_password_keeps_the_session(client, ada):
    response = change_password(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD)
    assert client.get("/accounts/settings/").status_code == 200
    assert Event.objects.filter(kind="account.password_changed", actor=ada).count() == 1


def test_change_password_with_a_wrong_current_password_is_refused(client, ada):
    before = ada.password
    response = change_password(client, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 422
    assert response.context["password_form"].errors["current_password"]
    ada.refresh_from_db()
    assert ada.password == before
    assert not Event.objects.filter(kind="account.password_changed").exists()


@pytest.mark.parametrize("weak", ["short1!", "qwertyuiop", "4829173650"])
def test_change_password_to_a_weak_password_is_refused(client, ada, weak):
    before = ada.password
    response = change_password(client, PASSWORD, weak)
    assert response.status_code == 422
    assert response.context["password_form"].errors["new_password"]
    ada.refresh_from_db()
    assert ada.password == before
    assert not Event.objects.filter(kind="account.password_changed").exists()


def test_changing_the_password_signs_out_other_sessions(client, ada):
    other = Client()
    other.force_login(ada)
    assert change_password(client, PASSWORD, NEW_PASSWORD).status_code == 302
    assert other.get("/accounts/settings/").status_code == 302


# --- public profile --------------------------------------------------------------


def test_public_profile_page_shows_name_and_bio_but_not_the_email(ada):
    response = Client().get(f"/accounts/u/{ada.pk}/")
    assert response.status_code == 200
    assert b"Ada" in response.content
    assert b"Engines." in response.content
    assert b"ada@example.org" not in response.content


def test_public_profile_of_a_disabled_or_missing_account_is_404(ada):
    User.objects.filter(pk=ada.pk).update(is_active=False)
    assert Client().get(f"/accounts/u/{ada.pk}/").status_code == 404
    assert Client().get("/accounts/u/999999/").status_code == 404


def test_users_api_shows_the_public_profile_without_the_email(ada):
    response = Client().get(f"/api/v1/users/{ada.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == ada.pk
    assert body["display_name"] == "Ada"
    assert body["bio"] == "Engines."
    assert "email" not in body
    assert "ada@example.org" not in response.content.decode()


def test_users_api_for_a_missing_user_is_404_in_the_error_shape(db):
    response = Client().get("/api/v1/users/999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_patch_me_updates_the_profile(ada, api_client):
    response = api_client(ada).patch(
        "/api/v1/me",
        {"display_name": "Countess", "languages": ["English"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "Countess"
    ada.refresh_from_db()
    assert (ada.display_name, ada.languages, ada.bio) == ("Countess", ["English"], "Engines.")


def test_patch_me_with_an_unknown_language_is_422_and_changes_nothing(ada, api_client):
    response = api_client(ada).patch(
        "/api/v1/me",
        {"display_name": "Countess", "language": "fr"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "language" in response.json()["error"]["fields"]
    ada.refresh_from_db()
    assert (ada.display_name, ada.language) == ("Ada", "en")
    assert profile_events() == 0
