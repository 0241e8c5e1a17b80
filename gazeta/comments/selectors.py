from dataclasses import dataclass, field

from gazeta.core.prepared import PreparedQuery

from .models import Comment


@dataclass
class CommentNode:
    comment: Comment
    depth: int = 1
    is_own_held: bool = False
    replies: list["CommentNode"] = field(default_factory=list)


def _thread_comments(article):
    return Comment.objects.for_article(article).only(
        "pk", "parent_id", "name", "website", "body_html", "created_at", "status", "article_id"
    )


# What every reader of an article gets, built once per process (see core/prepared.py).
_APPROVED = PreparedQuery(
    lambda article: _thread_comments(article).filter(status=Comment.Status.APPROVED),
    article=int,
)


def comment_thread(*, article, held_comment_id: int | None = None) -> tuple[list[CommentNode], int]:
    """Approved comments of ``article`` as a tree, oldest first, and how many are approved,
    in one query. ``held_comment_id`` adds that one comment (the reader's own, still held)
    in its place. A reply whose parent is not visible is not shown either."""
    if held_comment_id:
        comments = _thread_comments(article)
        comments = comments.filter(status=Comment.Status.APPROVED) | comments.filter(
            pk=held_comment_id, status=Comment.Status.PENDING
        )
        comments = list(comments.order_by("created_at", "id"))
    else:
        comments = _APPROVED.all(article=article.pk)
    nodes = {c.pk: CommentNode(c, is_own_held=c.status == Comment.Status.PENDING) for c in comments}
    roots: list[CommentNode] = []
    for comment in comments:
        node = nodes[comment.pk]
        if comment.parent_id is None:
            roots.append(node)
        elif comment.parent_id in nodes:
            nodes[comment.parent_id].replies.append(node)
    _set_depth(roots, 1)
    approved = sum(1 for c in comments if c.status == Comment.Status.APPROVED)
    return roots, approved


def _set_depth(nodes: list[CommentNode], depth: int) -> None:
    for node in nodes:
        node.depth = depth
        _set_depth(node.replies, depth + 1)
