import json

from django.core.management.base import BaseCommand

from gazeta.comments.services import commenter_export


class Command(BaseCommand):
    help = "Print, as JSON, everything Gazeta stores about the commenter with this email."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The commenter's email address (case-insensitive).")

    def handle(self, *args, email, **options):
        data = commenter_export(email=email)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
