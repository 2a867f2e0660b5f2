def test_it_speaks_bokmal_to_an_english_browser(client, db):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="nb">' in body


def test_it_speaks_english_when_the_user_chose_it(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert '<html lang="en">' in body
