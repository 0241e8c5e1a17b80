"""Comment moderation as a policy class, one per commentable type (STYLE.md: django-contrib-
comments' ``moderation.py``). The rules and their order follow WordPress's ``wp_allow_comment``:
duplicate, flood, then the hold rules (links, moderation words, first-time commenter), then the
disallowed words that send a comment to spam. Every threshold is a setting."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gazeta.core.text import normalize_romanian

from .models import Ban, Comment

LINK_RE = re.compile(r"(https?://|www\.)", re.IGNORECASE)


class CommentRefused(Exception):  # noqa: N818 - reads as the event, like Http404
    """A comment that is not stored at all; ``status`` is the HTTP status to answer with."""

    def __init__(self, message, *, status: int = 400, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


@dataclass
class Submission:
    article: object
    name: str
    email: str
    body: str
    website: str = ""
    parent: Comment | None = None
    ip_address: str | None = None
    user: object = None
    now: object = field(default_factory=timezone.now)


@dataclass
class Decision:
    status: str
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return ", ".join(str(r) for r in self.reasons)


def _fold(text: str) -> str:
    """Lowercase without diacritics, so “prost” in a word list also catches “PROȘT”."""
    decomposed = unicodedata.normalize("NFKD", normalize_romanian(text).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _find_word(words, *texts) -> str | None:
    haystack = _fold(" ".join(t for t in texts if t))
    for word in words:
        word = word.strip()
        if word and _fold(word) in haystack:
            return word
    return None


class CommentPolicy:
    """Rules for comments on newsroom articles."""

    @property
    def rate_limits_on(self) -> bool:
        return settings.GAZETA_COMMENT_RATE_LIMITS

    def close_after_days(self) -> int | None:
        if settings.GAZETA_COMMENTS_AUTO_CLOSE:
            return settings.GAZETA_COMMENTS_CLOSE_AFTER_DAYS
        return None

    def comments_open(self, article, *, now=None) -> bool:
        if not (article.comments_open and article.is_published):
            return False
        days = self.close_after_days()
        if days:
            now = now or timezone.now()
            return article.published_at + timedelta(days=days) > now
        return True

    def max_depth(self) -> int:
        return settings.GAZETA_COMMENT_MAX_DEPTH

    def is_exempt(self, user) -> bool:
        """Moderators and editors are not slowed down by the flood rules."""
        return bool(
            user is not None and user.is_authenticated and user.has_perm("comments.change_comment")
        )

    def check_refusals(self, sub: Submission) -> None:
        """Rules that refuse a comment outright (nothing is stored)."""
        if not self.comments_open(sub.article, now=sub.now):
            raise CommentRefused(
                _("Comments are closed for this article."), status=403, code="closed"
            )
        if sub.parent is not None:
            if sub.parent.article_id != sub.article.pk or (
                sub.parent.status != Comment.Status.APPROVED
            ):
                raise CommentRefused(
                    _("The comment you are replying to does not exist."), code="parent"
                )
            if sub.parent.depth >= self.max_depth():
                raise CommentRefused(_("This thread is too deep for another reply."), code="depth")
        duplicate = (
            Comment.objects.filter(article=sub.article, body=sub.body)
            .filter(Q(email__iexact=sub.email) | Q(name=sub.name))
            .exists()
        )
        if duplicate:
            raise CommentRefused(
                _("Duplicate comment detected; it looks as though you’ve already said that!"),
                status=409,
                code="duplicate",
            )
        if self.rate_limits_on and not self.is_exempt(sub.user):
            self.check_flood(sub)

    def _same_sender(self, sub: Submission) -> Q:
        q = Q(email__iexact=sub.email)
        if sub.ip_address:
            q |= Q(ip_address=sub.ip_address)
        return q

    def check_flood(self, sub: Submission) -> None:
        recent = Comment.objects.filter(self._same_sender(sub))
        interval = settings.GAZETA_COMMENT_FLOOD_SECONDS
        if (
            interval
            and recent.filter(created_at__gt=sub.now - timedelta(seconds=interval)).exists()
        ):
            raise CommentRefused(
                _("You are posting comments too quickly. Slow down."), status=429, code="flood"
            )
        ceiling = settings.GAZETA_COMMENT_HOURLY_LIMIT
        if ceiling and (
            recent.filter(created_at__gt=sub.now - timedelta(hours=1)).count() >= ceiling
        ):
            raise CommentRefused(
                _("You have posted too many comments in the last hour. Try again later."),
                status=429,
                code="hourly",
            )

    def decide(self, sub: Submission) -> Decision:
        """The status a comment that passed ``check_refusals`` is stored with, and why."""
        reasons = []
        if self.is_exempt(sub.user):
            return Decision(Comment.Status.APPROVED)
        if self._is_banned(sub):
            return Decision(Comment.Status.SPAM, [_("banned")])
        word = _find_word(
            settings.GAZETA_COMMENT_DISALLOWED_WORDS,
            sub.body,
            sub.name,
            sub.email,
            sub.website,
            sub.ip_address,
        )
        if word:
            return Decision(Comment.Status.SPAM, [_("disallowed word: %(word)s") % {"word": word}])
        links = len(LINK_RE.findall(sub.body))
        max_links = settings.GAZETA_COMMENT_MAX_LINKS
        if max_links and links >= max_links:
            reasons.append(_("%(count)d links") % {"count": links})
        word = _find_word(
            settings.GAZETA_COMMENT_MODERATION_WORDS,
            sub.body,
            sub.name,
            sub.email,
            sub.website,
            sub.ip_address,
        )
        if word:
            reasons.append(_("word: %(word)s") % {"word": word})
        if settings.GAZETA_COMMENT_HOLD_ALL:
            reasons.append(_("all comments are moderated"))
        elif not Comment.objects.visible().by_commenter(sub.email).exists():
            reasons.append(_("first comment"))
        status = Comment.Status.PENDING if reasons else Comment.Status.APPROVED
        return Decision(status, reasons)

    def _is_banned(self, sub: Submission) -> bool:
        q = Q(kind=Ban.Kind.EMAIL, value=sub.email.strip().lower())
        if sub.ip_address:
            q |= Q(kind=Ban.Kind.IP, value=sub.ip_address)
        return Ban.objects.filter(q).exists()


policy = CommentPolicy()
