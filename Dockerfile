# The anti-fraud centre's service (`fanzha serve`), with PostgreSQL support. Data in /data.
#   docker build -t fanzha . && docker run -p 8000:8000 -v fanzha-data:/data fanzha
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN pip install '.[postgres]' && useradd --system --home /data fanzha && mkdir -p /data && chown fanzha /data
USER fanzha
WORKDIR /data
EXPOSE 8000
CMD ["fanzha", "serve", "--host", "0.0.0.0", "--port", "8000", "--data", "/data"]
