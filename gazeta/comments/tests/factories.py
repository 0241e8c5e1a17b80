import factory
from django.utils import timezone

from gazeta.comments.models import Comment
from gazeta.newsroom.tests.factories import ArticleFactory


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    name = factory.Sequence(lambda n: f"Cititor {n}")
    email = factory.Sequence(lambda n: f"cititor{n}@example.org")
    body = factory.Sequence(lambda n: f"Comentariul cu numărul {n}.")
    status = Comment.Status.APPROVED
    created_at = factory.LazyFunction(timezone.now)
