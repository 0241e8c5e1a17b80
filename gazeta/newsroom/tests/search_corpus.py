"""A small Romanian news corpus for the search tests, written for them.

Each article is spelled one way on purpose: legacy cedilla letters (ş ţ), comma-below
letters (ș ț), no diacritics at all (as wire copy often comes), or a mix. ``SPELLINGS`` lists,
for each article, queries in every spelling and several inflections that must find it and
nothing else."""

from dataclasses import dataclass
from datetime import timedelta

from gazeta.newsroom.models import Article
from gazeta.newsroom.services import article_save, section_get_or_create


@dataclass(frozen=True)
class Story:
    key: str
    section: str
    headline: str
    standfirst: str
    body: str
    days_ago: float


STORIES = [
    Story(
        "diplomatie",
        "Externe",
        "Criza diplomaţiei europene intră într-o etapă nouă",  # cedilla ţ
        "Ambasadorii statelor membre s-au întâlnit la Bruxelles pentru a căuta o soluţie.",
        "<p>Discuţiile au durat până după miezul nopţii. Negociatorii au cerut mai mult timp "
        "pentru consultări.</p><p>Următoarea rundă de întâlniri are loc luna viitoare.</p>",
        2,
    ),
    Story(
        "inundatii",
        "Social",
        "Inundațiile au lăsat fără curent trei sate din Moldova",  # comma-below ț
        "Pompierii au evacuat peste două sute de oameni în timpul nopții.",
        "<p>Apele râului au crescut cu aproape doi metri în câteva ore. Autoritățile locale "
        "au deschis adăposturi în sala de sport din comună.</p>",
        1,
    ),
    Story(
        "invatamant",
        "Politică",
        "Presedintele a promulgat legea invatamantului",  # no diacritics at all
        "Noile reguli se aplica din toamna anului viitor.",
        "<p>Textul a fost adoptat de Parlament dupa dezbateri lungi. Sindicatele din "
        "educatie au cerut modificari.</p>",
        3,
    ),
    Story(
        "scoli",
        "Social",
        "Școlile din Cluj primesc laboratoare noi de informatică",  # comma-below ș
        "Elevii vor putea folosi aparatura de la începutul semestrului.",
        "<p>Consiliul județean a alocat bani pentru douăzeci de unități. Profesorii au "
        "urmat cursuri de pregătire în vacanță.</p>",
        4,
    ),
    Story(
        "paduri",
        "Social",
        "Pădurile din Maramureş, tăiate ilegal de ani de zile",  # ă with cedilla ş
        "Garda Forestieră a găsit mii de metri cubi de lemn fără acte.",
        "<p>Controalele au vizat şase ocoale silvice. Amenzile depăşesc un milion de lei.</p>",
        5,
    ),
    Story(
        "spital",
        "Social",
        "Spitalul județean deschide o secție nouă de cardiologie",
        "Pacienții din trei județe nu vor mai fi transferați la București.",
        "<p>Investiția a costat douăzeci de milioane de lei, bani europeni.</p>",
        6,
    ),
    Story(
        "fotbal",
        "Sport",
        "Echipa națională de fotbal a câștigat la Sofia",
        "Tricolorii s-au impus cu două goluri în repriza a doua.",
        "<p>Antrenorul a lăudat apărarea echipei după meci.</p>",
        7,
    ),
    Story(
        "handbal",
        "Sport",
        "Echipa de handbal pregătește turneul final",
        "Jucătoarele au început cantonamentul la munte.",
        "<p>Meciurile din grupă se joacă în decembrie.</p>",
        8,
    ),
    Story(
        "ministri",
        "Politică",
        "Miniştrii au aprobat bugetul pe anul viitor",  # cedilla ş
        "Şedinţa de guvern a durat patru ore.",
        "<p>Deficitul ar urma să scadă sub cinci la sută, potrivit ministrului de finanţe.</p>",
        9,
    ),
    Story(
        "alegeri",
        "Politică",
        "Alegerile locale vor avea loc în iunie",
        "Partidele își depun listele de candidați până la sfârșitul lunii.",
        "<p>Biroul electoral a anunțat calendarul alegerilor.</p>",
        10,
    ),
]

# Every spelling of every query finds its article and no other.
SPELLINGS = {
    "diplomatie": [
        "diplomație",
        "diplomaţie",
        "diplomatie",
        "diplomației",
        "diplomaţiei",
        "diplomatiei",
        "diplomații",
        "diplomațiile",
        "DIPLOMAȚIA",
        "criza diplomatiei europene",
    ],
    "inundatii": [
        "inundații",
        "inundaţii",
        "inundatii",
        "inundațiile",
        "inundatiile",
        "inundație",
        "inundatie",
        "inundaţiilor",
    ],
    "invatamant": [
        "președinte",
        "preşedintele",
        "presedintele",
        "președintelui",
        "învățământ",
        "învăţământului",
        "invatamantului",
        "învățământul",
        "legea învățământului",
    ],
    "scoli": ["școli", "şcolile", "scolile", "școlilor", "scolilor", "Școlile"],
    "paduri": ["pădure", "păduri", "pădurile", "padurilor", "pădurii", "pădurea", "Maramureș"],
    "spital": ["spital", "spitalul", "spitalului", "spitalele", "spitalelor", "Spitalul"],
    "ministri": [
        "ministru",
        "ministrul",
        "miniștri",
        "miniştri",
        "ministri",
        "miniștrii",
        "ministrilor",
        "ministrului",
        "ședința guvernului",
    ],
    "alegeri": ["alegeri", "alegerile", "alegerilor", "ALEGERILOR"],
}


def create_story(story: Story, *, now, **overrides) -> Article:
    """Save ``story`` through the newsroom service, as the admin and importers do."""
    fields = {
        "headline": story.headline,
        "standfirst": story.standfirst,
        "body": story.body,
        "section": section_get_or_create(name=story.section),
        "status": Article.Status.PUBLISHED,
        "published_at": now - timedelta(days=story.days_ago),
        **overrides,
    }
    return article_save(article=Article(**fields))


def create_corpus(*, now) -> dict[str, Article]:
    return {story.key: create_story(story, now=now) for story in STORIES}


def make_article(
    *, now, headline, standfirst="", body="", days_ago=0.0, section="Diverse", **fields
) -> Article:
    """One article saved through the service, with the given text."""
    return article_save(
        article=Article(
            headline=headline,
            standfirst=standfirst,
            body=body,
            section=section_get_or_create(name=section),
            status=fields.pop("status", Article.Status.PUBLISHED),
            published_at=fields.pop("published_at", now - timedelta(days=days_ago)),
            **fields,
        )
    )
