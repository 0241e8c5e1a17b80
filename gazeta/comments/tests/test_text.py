from gazeta.comments.text import render_comment_body, safe_website


def test_comment_html_is_escaped():
    html = render_comment_body('<script>alert(1)</script><b onclick="x">bold</b>')
    assert "<script" not in html
    assert "<b" not in html
    assert "&lt;script&gt;" in html


def test_paragraphs_and_line_breaks_are_kept():
    html = render_comment_body("Primul rând\nal doilea\n\nUn paragraf nou")
    assert html.count("<p>") == 2
    assert "Primul rând<br>al doilea" in html


def test_web_addresses_become_nofollow_ugc_links():
    html = render_comment_body("Vezi https://exemplu.ro/pagina?a=1&b=2 și www.alt-site.ro.")
    assert '<a href="https://exemplu.ro/pagina?a=1&amp;b=2" rel="nofollow ugc noopener">' in html
    assert 'href="https://www.alt-site.ro" rel="nofollow ugc noopener"' in html


def test_javascript_scheme_is_never_a_link():
    html = render_comment_body("javascript:alert(document.cookie)")
    assert "<a" not in html


def test_email_addresses_in_text_are_not_linked():
    html = render_comment_body("scrie-mi la ion@example.org")
    assert "mailto:" not in html
    assert "<a" not in html


def test_website_is_kept_only_for_http_and_https():
    assert safe_website("https://blog.example.org") == "https://blog.example.org"
    assert safe_website("http://blog.example.org") == "http://blog.example.org"
    assert safe_website("javascript:alert(1)") == ""
    assert safe_website("JAVASCRIPT:alert(1)") == ""
    assert safe_website("data:text/html,<script>") == ""
    assert safe_website("") == ""
