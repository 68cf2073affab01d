"""OpenAPI description of system tokens (drf-spectacular extension, loaded by the app config)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SystemTokenScheme(OpenApiAuthenticationExtension):
    target_class = "loupan.exchange.auth.SystemTokenAuthentication"
    name = "systemToken"

    def get_security_definition(self, auto_schema):  # noqa: ANN001, ANN201
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "lps_...",
            "description": (
                "A connected system's token (`Authorization: Bearer lps_...`), made by an admin under "
                "Connected systems. Scopes: customers:read, customers:write, deals:read, payments:write, "
                "inventory:read, imports:write; a call outside the token's scopes answers 403. A token "
                "restricted to sites sees only those sites' data (others answer 404). Expired or revoked: 401. "
                "People use `Authorization: Token <token>` from POST /api/v1/auth/token/."
            ),
        }
