"""How the OpenAPI schema describes Keten's two ways to call the API."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class OrganisationTokenScheme(OpenApiAuthenticationExtension):
    target_class = "keten.accounts.api_auth.OrganisationTokenAuthentication"
    name = "organisationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <sleutel>`: een sleutel van een systeem van uw organisatie, met rol, regio en "
            "bevoegdheden (read/write). Een functioneel beheerder maakt en trekt sleutels in.",
        }


class MfaSessionScheme(OpenApiAuthenticationExtension):
    target_class = "keten.accounts.api_auth.MfaSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "De browsersessie van een ingelogde gebruiker met tweestapsverificatie."}
