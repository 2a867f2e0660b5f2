import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaborations.portfolio.models import Document
from collaborations.portfolio.services import document_upload


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="ros.pdf", size=100) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"x" * size, content_type="application/pdf")


def upload_url(measure) -> str:
    return reverse("document_upload", args=[measure.pk])


def download_url(document) -> str:
    return reverse("document_download", args=[document.pk])


def test_it_lets_a_participant_upload_an_internal_ros(client, world):
    client.force_login(world.admin_lyngen)

    response = client.post(upload_url(world.shared), {"title": "ROS-analyse", "file": pdf(), "visibility": "internal"})

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.visibility, document.uploaded_by) == ("ROS-analyse", "internal",
                                                                          world.admin_lyngen)
    assert document.file.name.startswith("documents/") and document.file.name.endswith("/ros.pdf")


@pytest.mark.parametrize("role", ["admin_outsider", "politician", "stranger"])
def test_it_refuses_uploads_from_those_not_involved(client, world, role):
    client.force_login(world.users_by_role()[role])

    response = client.post(upload_url(world.shared), {"title": "X", "file": pdf(), "visibility": "published"})

    assert response.status_code == 403
    assert not Document.objects.exists()


def test_it_refuses_a_file_type_not_allowed(client, world):
    client.force_login(world.admin_kafjord)

    response = client.post(upload_url(world.shared), {"title": "X", "file": pdf("virus.exe"), "visibility": "published"})

    assert response.context["form"].errors["file"] == [
        "Filtypen er ikke tillatt. Tillatte typer: pdf, docx, xlsx, pptx, odt, ods, txt, png, jpg, jpeg."]
    assert not Document.objects.exists()


@pytest.mark.parametrize("name, content", [
    ("rapport.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),         # a Windows program renamed
    ("referat.docx", b"%PDF-1.4 not a Word file"),
    ("bilde.png", b"\xff\xd8\xff\xe0 a JPEG called .png"),
    ("notat.txt", b"text\x00with a NUL: binary"),
])
def test_it_refuses_a_file_whose_content_is_not_its_type(client, world, name, content):
    client.force_login(world.admin_kafjord)

    response = client.post(upload_url(world.shared), {
        "title": "X", "file": SimpleUploadedFile(name, content), "visibility": "published"})

    extension = name.rsplit(".", 1)[1]
    assert response.context["form"].errors["file"] == [
        f"Innholdet i filen er ikke en .{extension}-fil, selv om navnet slutter på .{extension}. "
        "Sjekk at du har valgt riktig fil."]
    assert not Document.objects.exists()


@pytest.mark.parametrize("name, content", [
    ("vedtak.docx", b"PK\x03\x04 a zip"), ("kart.png", b"\x89PNG\r\n\x1a\n..."),
    ("foto.JPG", b"\xff\xd8\xff\xe1..."), ("notat.txt", "Æ ø å\n".encode()),
])
def test_it_accepts_files_whose_content_matches(client, world, name, content):
    client.force_login(world.admin_kafjord)
    response = client.post(upload_url(world.shared), {
        "title": "X", "file": SimpleUploadedFile(name, content), "visibility": "published"})
    assert response.status_code == 302 and Document.objects.count() == 1


def test_it_refuses_a_file_too_large(client, world, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    client.force_login(world.admin_kafjord)

    response = client.post(upload_url(world.shared), {"title": "X", "file": pdf(size=2000), "visibility": "published"})

    assert response.context["form"].errors["file"] == [
        "Filen er for stor (2,0\xa0KB). Største tillatte størrelse er 1,0\xa0KB."]
    assert not Document.objects.exists()


def test_the_service_refuses_bad_files_too(world, tmp_path):
    from collaborations.common.errors import DomainError

    with pytest.raises(DomainError):
        document_upload(acting_user=None, measure=world.shared, file=pdf("x.bat"), title="X")
    assert not Document.objects.exists()
    assert not any(tmp_path.rglob("*.bat"))


@pytest.fixture
def docs(world):
    internal = document_upload(acting_user=world.admin_kafjord, measure=world.shared, file=pdf("ros.pdf"),
                               title="ROS-analyse", visibility="internal")
    published = document_upload(acting_user=world.admin_kafjord, measure=world.shared, file=pdf("referat.pdf"),
                                title="Referat", visibility="published")
    on_internal_measure = document_upload(acting_user=world.admin_kafjord, measure=world.internal,
                                          file=pdf("plan.pdf"), title="Plan", visibility="published")
    return internal, published, on_internal_measure


@pytest.mark.parametrize("role", ["anonymous", "politician", "admin_outsider", "stranger"])
def test_it_never_lets_internal_documents_reach_outsiders(client, world, docs, role):
    internal, published, on_internal_measure = docs
    user = world.users_by_role()[role]
    if user:
        client.force_login(user)

    assert client.get(download_url(internal)).status_code == 404
    assert client.get(download_url(on_internal_measure)).status_code == 404
    assert client.get(download_url(published)).status_code == 200
    body = client.get(reverse("measure_detail", args=[world.shared.pk])).content.decode()
    assert "Referat" in body and "ROS-analyse" not in body


@pytest.mark.parametrize("role", ["admin_participant", "secretariat"])
def test_it_lets_the_administration_download_internal_documents(client, world, docs, role):
    internal = docs[0]
    client.force_login(world.users_by_role()[role])

    response = client.get(download_url(internal))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ros.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    body = client.get(reverse("measure_detail", args=[world.shared.pk])).content.decode()
    assert "ROS-analyse" in body and '<span class="badge internal">Intern</span>' in body


def test_it_gives_404_for_a_missing_document(client, world):
    assert client.get(reverse("document_download", args=[999])).status_code == 404
