import pytest

from gazeta.newsroom.sanitize import sanitize_body

from .html import parse


@pytest.mark.parametrize(
    "dirty",
    [
        "<p>Text<script>alert(1)</script></p>",
        "<p>Text<SCRIPT SRC=https://rau.example/x.js></SCRIPT></p>",
        "<p>Text</p><svg><script>alert(1)</script></svg>",
        "<p>Text</p><noscript><p>alert(1)</p></noscript>",
        "<p>Text</p><template><p>alert(1)</p></template>",
    ],
)
def test_scripts_are_removed_with_their_content(dirty):
    clean = sanitize_body(dirty)
    assert "script" not in clean.lower()
    assert "alert" not in clean
    assert "Text" in clean


@pytest.mark.parametrize(
    "dirty",
    [
        '<p onclick="alert(1)">Text</p>',
        '<img src="https://exemplu.ro/a.jpg" onerror="alert(1)" alt="">',
        '<a href="https://exemplu.ro/" onmouseover="alert(1)">Text</a>',
        '<h2 ONLOAD="alert(1)">Text</h2>',
    ],
)
def test_event_handlers_are_removed(dirty):
    clean = sanitize_body(dirty)
    assert "alert" not in clean
    assert not any(name.startswith("on") for node in parse(clean).iter() for name in node.attrs)


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java&#x09;script:alert(1)",
        "&#106;avascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_javascript_and_data_links_lose_their_href(href):
    clean = sanitize_body(f'<a href="{href}">Text</a>')
    link = parse(clean).find("a")
    assert "href" not in link.attrs
    assert link.text == "Text"


def test_data_image_sources_are_dropped():
    clean = sanitize_body('<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="x">')
    assert "data:" not in clean


def test_style_attributes_and_elements_are_removed():
    clean = sanitize_body(
        "<style>p { background: url(javascript:alert(1)) }</style>"
        '<p style="position:fixed;top:0">Text</p>'
    )
    assert clean == "<p>Text</p>"


@pytest.mark.parametrize(
    "dirty",
    [
        '<iframe src="https://rau.example/">x</iframe>',
        '<object data="https://rau.example/x.swf">x</object>',
        '<embed src="https://rau.example/x.swf">',
        '<form action="https://rau.example/"><input name="parola"></form>',
        '<meta http-equiv="refresh" content="0;url=https://rau.example/">',
        '<base href="https://rau.example/">',
        '<link rel="stylesheet" href="https://rau.example/x.css">',
    ],
)
def test_embedding_and_form_elements_are_removed(dirty):
    clean = sanitize_body(f"<p>Text</p>{dirty}")
    assert clean == "<p>Text</p>"


def test_unknown_classes_are_dropped_and_the_credit_class_is_kept():
    clean = sanitize_body('<p class="evidentiat">A</p><span class="credit ascuns">B</span>')
    assert clean == '<p>A</p><span class="credit">B</span>'


def test_links_get_a_safe_rel_and_keep_their_address():
    clean = sanitize_body('<a href="https://exemplu.ro/x" target="_blank" rel="opener">x</a>')
    link = parse(clean).find("a")
    assert link["href"] == "https://exemplu.ro/x"
    assert set(link["rel"].split()) == {"noopener", "noreferrer"}
    assert "target" not in link.attrs


def test_article_structure_is_kept():
    body = (
        "<p>Primul paragraf cu <strong>accent</strong> și <em>cursiv</em>.</p>"
        "<h2>Un subtitlu</h2>"
        "<h3>Un subtitlu mai mic</h3>"
        "<blockquote><p>„Un citat”</p></blockquote>"
        "<ul><li>unu</li><li>doi</li></ul>"
        "<ol><li>primul</li></ol>"
        '<p><a href="https://exemplu.ro/sursa">o sursă</a></p>'
        "<figure>"
        '<img src="https://exemplu.ro/foto.jpg" alt="Piața centrală" width="1200" height="675">'
        '<figcaption>Piața centrală, dimineața <span class="credit">Foto: Ana Pop</span>'
        "</figcaption>"
        "</figure>"
    )
    clean = sanitize_body(body)
    tree = parse(clean)
    assert [n.tag for n in tree.children] == [
        "p", "h2", "h3", "blockquote", "ul", "ol", "p", "figure",
    ]  # fmt: skip
    img = tree.find("img")
    assert (img["src"], img["alt"], img["width"], img["height"]) == (
        "https://exemplu.ro/foto.jpg",
        "Piața centrală",
        "1200",
        "675",
    )
    assert tree.find("figcaption").find("span", class_="credit").text == "Foto: Ana Pop"
    assert tree.find("a")["href"] == "https://exemplu.ro/sursa"
    assert tree.find("blockquote").text == "„Un citat”"
    assert [li.text for li in tree.find("ul").find_all("li")] == ["unu", "doi"]


def test_clean_body_comes_back_unchanged():
    body = "<p>Text simplu.</p><h2>Titlu</h2><p>Alt paragraf.</p>"
    assert sanitize_body(body) == body
    assert sanitize_body(sanitize_body(body)) == body


@pytest.mark.parametrize("empty", ["", None])
def test_empty_body_is_an_empty_string(empty):
    assert sanitize_body(empty) == ""


@pytest.mark.parametrize(
    "href",
    [
        "java\x01script:alert(1)",
        "java\x0bscript:alert(1)",
        "jav\x7fascript:alert(1)",
        "java\x85script:alert(1)",
        "java&#x01;script:alert(1)",
        "java&#127;script:alert(1)",
    ],
)
def test_control_characters_cannot_smuggle_a_javascript_link_past_the_sanitiser(href):
    """Control characters are stripped from every stored text field; if that happened after
    sanitising, ``java\\x01script:`` (a harmless relative link) would become ``javascript:``."""
    clean = sanitize_body(f'<a href="{href}">Text</a>')
    assert "script:" not in clean.replace("\x01", "")
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in clean)


@pytest.mark.django_db
@pytest.mark.parametrize("href", ["java\x01script:alert(1)", "java&#x01;script:alert(1)"])
def test_stored_article_body_never_gets_a_javascript_link(href):
    from gazeta.newsroom.services import article_save

    from .factories import ArticleFactory, DraftFactory, SectionFactory

    body = f'<p><a href="{href}">Text</a></p>'
    saved = [
        ArticleFactory(body=body),
        article_save(article=DraftFactory.build(section=SectionFactory(), body=body)),
    ]
    for article in saved:
        article.refresh_from_db()
        assert "javascript" not in article.body.lower()
        assert parse(article.body).find("a").text == "Text"


def test_sanitised_body_has_comma_below_diacritics_even_from_entities():
    assert sanitize_body("<p>s&#x327;i &#351;i &#x163;ara</p>") == "<p>și și țara</p>"


def test_sanitising_twice_changes_nothing():
    body = '<p>A&#x01;B <a href="java&#x01;script:x">l</a> s&#x327;</p><p>&amp;#1;</p>'
    once = sanitize_body(body)
    assert sanitize_body(once) == once


# What the body editor sends: library figures and video embeds.

PLAYER_ATTRIBUTES = {
    "loading": "lazy",
    "allowfullscreen": "",
    "referrerpolicy": "strict-origin-when-cross-origin",
    "sandbox": "allow-scripts allow-same-origin allow-presentation allow-popups",
}


def only_iframe(clean):
    frames = parse(clean).find_all("iframe")
    assert len(frames) == 1, clean
    return frames[0]


@pytest.mark.parametrize(
    ("src", "player"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=90s",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90",
        ),
        (
            "https://www.youtube.com/embed/dQw4w9WgXcQ?autoplay=1",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            "https://youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        (
            "https://player.vimeo.com/video/76979871?h=8a2c4e1f0b&autoplay=1",
            "https://player.vimeo.com/video/76979871?h=8a2c4e1f0b",
        ),
    ],
)
def test_allow_listed_video_frames_are_kept_as_their_player_and_sandboxed(src, player):
    clean = sanitize_body(
        f'<iframe src="{src}" title="Conferința de presă" width="560" height="315"></iframe>'
    )

    frame = only_iframe(clean)
    assert frame["src"] == player
    assert (frame["title"], frame["width"], frame["height"]) == (
        "Conferința de presă",
        "560",
        "315",
    )
    assert {k: frame[k] for k in PLAYER_ATTRIBUTES} == PLAYER_ATTRIBUTES
    assert sanitize_body(clean) == clean


@pytest.mark.parametrize(
    "src",
    [
        "https://rau.example/embed/dQw4w9WgXcQ",
        "https://www.youtube.com.rau.example/embed/dQw4w9WgXcQ",
        "https://rau.example/www.youtube.com/embed/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ/../../redirect?q=https://rau.example",
        "https://www.youtube.com/watch?v=scurt",
        "https://vimeo.com/channels/staffpicks/76979871",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//rau.example/x",
        "ftp://www.youtube.com/embed/dQw4w9WgXcQ",
    ],
)
def test_frames_from_anywhere_else_are_removed_with_their_content(src):
    clean = sanitize_body(
        f'<p>Înainte</p><iframe src="{src}" title="x">conținut</iframe><p>După</p>'
    )

    assert clean == "<p>Înainte</p><p>După</p>"


def test_a_frame_cannot_bring_its_own_attributes_or_content():
    clean = sanitize_body(
        '<iframe src="https://youtu.be/dQw4w9WgXcQ" title="Clip" onload="alert(1)" '
        'srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;" allow="camera; microphone" '
        'sandbox="allow-top-navigation allow-scripts" style="position:fixed" width="100%">'
        "<script>alert(1)</script><p>fallback</p></iframe>"
    )

    frame = only_iframe(clean)
    assert set(frame.attrs) == {"src", "title", *PLAYER_ATTRIBUTES}
    assert frame["sandbox"] == PLAYER_ATTRIBUTES["sandbox"]
    assert "alert" not in clean and "fallback" not in clean


def test_a_frame_smuggled_inside_another_element_is_judged_the_same():
    clean = sanitize_body(
        '<p>Text<iframe src="https://rau.example/"></iframe></p>'
        '<blockquote><iframe src="https://vimeo.com/76979871" title="v"></iframe></blockquote>'
    )

    assert only_iframe(clean)["src"] == "https://player.vimeo.com/video/76979871"
    assert "rau.example" not in clean


def test_editor_figure_keeps_the_library_reference_and_drops_the_editor_classes():
    clean = sanitize_body(
        '<figure class="figure"><img src="/media/images/2024/11/ab12.jpg" alt="Podul" '
        'data-file="42" width="1200" height="800"><figcaption class="figure-caption">Podul, '
        "<strong>dimineața</strong></figcaption></figure>"
    )

    assert clean == (
        '<figure><img src="/media/images/2024/11/ab12.jpg" alt="Podul" data-file="42" '
        'width="1200" height="800"><figcaption>Podul, <strong>dimineața</strong>'
        "</figcaption></figure>"
    )


@pytest.mark.parametrize("value", ["42 onerror=alert(1)", "x", "-1", "4" * 9, ""])
def test_a_library_reference_that_is_not_a_number_is_dropped(value):
    clean = sanitize_body(f'<img src="/media/a.jpg" alt="a" data-file="{value}">')

    assert "data-file" not in clean and parse(clean).find("img")["src"] == "/media/a.jpg"


@pytest.mark.parametrize(
    "src", ["javascript:alert(1)", "data:image/svg+xml;base64,PHN2Zz4=", "vbscript:x"]
)
def test_editor_images_with_script_addresses_lose_them(src):
    clean = sanitize_body(f'<figure><img src="{src}" alt="a" data-file="3"></figure>')

    assert "script" not in clean and "data:" not in clean


def test_editor_output_for_every_block_it_offers_is_kept_as_is():
    body = (
        "<h2>Subtitlu</h2><p>Text cu <strong>accent</strong>, <em>cursiv</em> și "
        '<a href="https://exemplu.ro/">o legătură</a>.</p><h3>Mai mic</h3>'
        "<blockquote><p>Citat</p></blockquote><ul><li><p>unu</p></li></ul>"
        '<ol start="3"><li><p>trei</p></li></ol><hr>'
    )

    clean = sanitize_body(body)

    assert clean == body.replace('">o legătură', '" rel="noopener noreferrer">o legătură')
