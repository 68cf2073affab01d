from django.core.management.base import BaseCommand

from loupan.channels.services import registrations_expire


class Command(BaseCommand):
    help = "Let pending agency registrations past their deadline to bring the customer lapse."

    def handle(self, *args, **options) -> None:
        result = registrations_expire()
        self.stdout.write(self.style.SUCCESS(f"{result['expired']} registrations expired."))
