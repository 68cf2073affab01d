from django.core.management.base import BaseCommand

from loupan.customers.services import release_idle_customers


class Command(BaseCommand):
    help = "Move customers with no follow-up for their site's pool_after_days into the site's pool."

    def handle(self, *args, **options) -> None:
        result = release_idle_customers()
        self.stdout.write(self.style.SUCCESS(f"Released {result['released']} idle customers to the pool."))
