# Samarbeidsportalen: one image for web (gunicorn), worker and beat (celery).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    MEDIA_ROOT=/data/media

# WeasyPrint needs Pango (and HarfBuzz subsetting) from Debian. The PDFs use
# only the fonts vendored in static/fonts (Noto Sans, DejaVu Sans for Sami
# letters); DejaVu from Debian is fontconfig's fallback. gettext compiles the catalogues.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system portal \
    && useradd --system --gid portal --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /app /data/media \
    && chown portal:portal /data/media

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY requirements.lock .
RUN pip install -r requirements.lock

COPY --chown=portal:portal . .

# Static files (WhiteNoise, hashed names) and translations are built into the
# image. The key below exists only for these build commands.
RUN SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput \
    && if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
         SECRET_KEY=build-only-not-a-secret python manage.py compilemessages; \
       fi

USER portal
EXPOSE 8000
VOLUME ["/data/media"]

CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
