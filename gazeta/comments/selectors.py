from dataclasses import dataclass, field

from .models import Comment


@dataclass
class CommentNode:
    comment: Comment
    replies: list["CommentNode"] = field(default_factory=list)


def comment_thread(*, article) -> tuple[list[CommentNode], int]:
    """Approved comments of ``article`` as a tree, oldest first, and their count, in one
    query. A reply whose parent is not visible is not shown either."""
    comments = list(Comment.objects.visible().for_article(article))
    nodes = {c.pk: CommentNode(c) for c in comments}
    roots: list[CommentNode] = []
    for comment in comments:
        node = nodes[comment.pk]
        if comment.parent_id is None:
            roots.append(node)
        elif comment.parent_id in nodes:
            nodes[comment.parent_id].replies.append(node)
    shown = _count(roots)
    return roots, shown


def _count(nodes: list[CommentNode]) -> int:
    return sum(1 + _count(n.replies) for n in nodes)
