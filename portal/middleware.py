"""Response headers the portal adds on top of Django's own security ones."""

from django.conf import settings


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """The Permissions-Policy header for {feature: allowed origins}; an empty
    list switches the feature off (`camera=()`), "self" allows the portal."""
    parts = []
    for feature, origins in policy.items():
        allowed = " ".join("self" if origin == "self" else f'"{origin}"' for origin in origins)
        parts.append(f"{feature}=({allowed})")
    return ", ".join(parts)


class PermissionsPolicyMiddleware:
    """Adds Permissions-Policy (settings.PERMISSIONS_POLICY) to every response
    that has none: the portal never uses the camera, the microphone, the
    position, payments or USB, so neither can anything it shows."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response
