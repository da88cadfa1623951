"""Idea pictures: at most six, checked by content, re-encoded and capped in size,
through the pages, the API and the action, and never half-stored."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cocreate.core.errors import Forbidden, Invalid
from cocreate.ideas import actions
from cocreate.ideas.models import Idea, IdeaImage
from tests.accounts.conftest import image_bytes, png_declaring
from tests.conftest import client_for
from tests.threads import run_at_once


def upload(
    name: str = "photo.png", data: bytes | None = None, fmt: str = "PNG"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else image_bytes(fmt), "image/png")


def stored_format(image: IdeaImage) -> str:
    image.image.open("rb")
    try:
        return str(Image.open(image.image).format)
    finally:
        image.image.close()


def test_submit_with_pictures_stores_reencoded_files(challenge, author):
    idea = actions.submit_idea(
        author,
        challenge,
        title="Bike rack",
        body="A rack for two bikes.",
        images=[upload(fmt="JPEG"), upload(fmt="PNG")],
    )
    pictures = list(idea.images.all())
    assert [p.uploaded_by_id for p in pictures] == [author.pk, author.pk]
    assert idea.image_count == 2
    # Opaque pictures become JPEG under a random name, whatever was uploaded.
    assert {stored_format(p) for p in pictures} == {"JPEG"}
    assert all(p.image.name.startswith(f"ideas/{idea.pk}/") for p in pictures)
    assert all("photo" not in p.image.name for p in pictures)
    assert (pictures[0].width, pictures[0].height) == (64, 48)


def test_transparent_picture_stays_png(idea, author):
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(out, format="PNG")
    [picture] = actions.add_images(author, idea, [upload(data=out.getvalue())])
    assert stored_format(picture) == "PNG"


def test_large_pictures_are_scaled_down(idea, author):
    [picture] = actions.add_images(author, idea, [upload(data=image_bytes("PNG", (4000, 1000)))])
    assert (picture.width, picture.height) == (actions.IMAGE_MAX_SIDE, 400)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"<html><script>alert(1)</script></html>", "html"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "svg"),
        (png_declaring(20000, 20000), "decompression bomb"),
        (image_bytes("PNG")[:40], "truncated"),
        (image_bytes("BMP"), "bmp"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(idea, author, data, why):
    with pytest.raises(Invalid) as raised:
        actions.add_images(author, idea, [upload(), upload("x.png", data)])
    assert "images" in raised.value.fields, why
    idea.refresh_from_db()
    assert idea.image_count == 0
    assert not IdeaImage.objects.exists()


def test_submission_with_a_bad_picture_creates_no_idea(challenge, author):
    with pytest.raises(Invalid):
        actions.submit_idea(
            author, challenge, title="T", body="B", images=[upload(data=b"GIF89a nonsense")]
        )
    assert not Idea.objects.exists()


def test_at_most_six(idea, author):
    actions.add_images(author, idea, [upload() for _ in range(4)])
    with pytest.raises(Invalid) as raised:
        actions.add_images(author, idea, [upload() for _ in range(3)])
    assert "2" in str(raised.value.fields["images"][0])
    actions.add_images(author, idea, [upload(), upload()])
    with pytest.raises(Invalid):
        actions.add_images(author, idea, [upload()])
    idea.refresh_from_db()
    assert idea.image_count == IdeaImage.objects.filter(idea=idea).count() == 6


def test_concurrent_uploads_never_pass_six(transactional_db, challenge, author):
    idea = actions.submit_idea(author, challenge, title="Racks", body="Many racks.")
    actions.add_images(author, idea, [upload() for _ in range(5)])

    def one(_: int) -> str:
        try:
            actions.add_images(author, Idea.objects.get(pk=idea.pk), [upload()])
            return "ok"
        except Invalid:
            return "full"

    results = run_at_once(4, one)
    assert sorted(map(str, results)) == ["full", "full", "full", "ok"]
    idea.refresh_from_db()
    assert idea.image_count == IdeaImage.objects.filter(idea=idea).count() == 6


def test_only_authors_may_add_describe_or_remove(idea, author, member):
    [picture] = actions.add_images(author, idea, [upload()])
    for attempt in (
        lambda: actions.add_images(member, idea, [upload()]),
        lambda: actions.describe_image(member, picture, alt="mine"),
        lambda: actions.remove_image(member, picture),
    ):
        with pytest.raises(Forbidden):
            attempt()
    picture.refresh_from_db()
    assert picture.alt == ""
    assert IdeaImage.objects.count() == 1


def test_remove_frees_a_slot_and_deletes_the_file(idea, author, django_capture_on_commit_callbacks):
    [picture] = actions.add_images(author, idea, [upload()], alt="Front view")
    storage, name = picture.image.storage, picture.image.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        actions.remove_image(author, picture)
    assert not storage.exists(name)
    idea.refresh_from_db()
    assert idea.image_count == 0


def test_describe_checks_length(idea, author):
    [picture] = actions.add_images(author, idea, [upload()])
    with pytest.raises(Invalid) as raised:
        actions.describe_image(author, picture, alt="x" * 201)
    assert "alt" in raised.value.fields
    actions.describe_image(author, picture, alt="The rack, folded")
    picture.refresh_from_db()
    assert picture.alt == "The rack, folded"


# --- pages ----------------------------------------------------------------------------


def test_pages_upload_show_and_remove(idea, author, challenge):
    client = client_for(author)
    response = client.post(
        reverse("ideas:images", args=[idea.pk]),
        {"images": [upload("a.png"), upload("b.jpg", fmt="JPEG")], "alt": "Side by side"},
    )
    assert response.status_code == 302
    pictures = list(idea.images.all())
    assert [p.alt for p in pictures] == ["Side by side", "Side by side"]
    page = client_for(None).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert pictures[0].image.url in page and 'alt="Side by side"' in page
    listing = client_for(None).get(reverse("challenges:detail", args=[challenge.pk]))
    assert pictures[0].image.url in listing.content.decode()
    edit = client.get(reverse("ideas:edit", args=[idea.pk])).content.decode()
    assert "4 more pictures fit" in edit
    client.post(reverse("ideas:image_describe", args=[pictures[0].pk]), {"alt": "Left"})
    client.post(reverse("ideas:image_remove", args=[pictures[1].pk]))
    assert [p.alt for p in idea.images.all()] == ["Left"]


def test_page_upload_of_a_bad_file_is_422_with_the_field(idea, author):
    response = client_for(author).post(
        reverse("ideas:images", args=[idea.pk]), {"images": [upload(data=b"not an image")]}
    )
    assert response.status_code == 422
    assert "Upload a PNG, JPEG, GIF or WebP image." in response.content.decode()
    assert not IdeaImage.objects.exists()


def test_new_idea_page_takes_pictures(challenge, author):
    response = client_for(author).post(
        reverse("ideas:new", args=[challenge.pk]),
        {
            "title": "Pannier clips",
            "body": "Clips that hold in the rain.",
            "language": "en",
            "accept_terms": "on",
            "images": [upload()],
        },
    )
    assert response.status_code == 302, response.content[:500]
    idea = Idea.objects.get(title="Pannier clips")
    assert idea.image_count == 1


# --- API ------------------------------------------------------------------------------


def test_api_add_describe_remove(idea, author, api_client):
    client = api_client(author)
    url = f"/api/v1/ideas/{idea.pk}/images"
    response = client.post(url, {"images": [upload(), upload()], "alt": "Two views"})
    assert response.status_code == 201, response.content
    added = response.json()
    assert [p["alt"] for p in added] == ["Two views", "Two views"]
    assert added[0]["url"].startswith("/media/ideas/")
    assert added[0]["width"] == 64
    read = client.get(f"/api/v1/ideas/{idea.pk}").json()
    assert [p["id"] for p in read["images"]] == [p["id"] for p in added]
    response = client.patch(
        f"{url}/{added[0]['id']}", {"alt": "Front"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["alt"] == "Front"
    response = client.delete(f"{url}/{added[1]['id']}")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [added[0]["id"]]


def test_api_bad_file_is_422_and_stores_nothing(idea, author, api_client):
    response = api_client(author).post(
        f"/api/v1/ideas/{idea.pk}/images", {"images": [upload(data=b"<svg onload=alert(1)>")]}
    )
    assert response.status_code == 422
    assert "images" in response.json()["error"]["fields"]
    assert not IdeaImage.objects.exists()


def test_api_image_of_another_idea_is_404(idea, author, challenge, api_client):
    other = actions.submit_idea(author, challenge, title="Other", body="Another idea.")
    [picture] = actions.add_images(author, other, [upload()])
    response = api_client(author).delete(f"/api/v1/ideas/{idea.pk}/images/{picture.pk}")
    assert response.status_code == 404
    assert IdeaImage.objects.filter(pk=picture.pk).exists()
