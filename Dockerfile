# syntax=docker/dockerfile:1
# Image of the e-office: one image, two commands (docker-compose.yml runs `eoffice api` and
# `eoffice worker`). Dependencies are pinned by constraints.txt.
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# poppler-utils: pdftotext/pdfsig; DejaVu and Liberation 2: Vietnamese glyphs for stamps and PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        poppler-utils \
        fonts-dejavu-core \
        fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY documents ./documents
COPY signing ./signing
COPY search ./search
COPY workflow ./workflow
COPY api ./api
COPY eoffice ./eoffice
RUN pip install -c constraints.txt . \
    && rm -rf /app/build

# The data and PKI directories are volumes; created here so that fresh volumes belong to the
# unprivileged user.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/eoffice eoffice \
    && mkdir -p /var/lib/eoffice /etc/eoffice/pki \
    && chown eoffice:eoffice /var/lib/eoffice /etc/eoffice/pki \
    && chmod 0700 /etc/eoffice/pki
USER eoffice
ENV EOFFICE_DATA_DIR=/var/lib/eoffice \
    EOFFICE_PKI_DIR=/etc/eoffice/pki

EXPOSE 8000
CMD ["eoffice", "api", "--host", "0.0.0.0", "--port", "8000"]
