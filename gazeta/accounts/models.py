from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """Gazeta's user, custom from day one so newsroom fields can be added without a migration
    of ``auth``."""
