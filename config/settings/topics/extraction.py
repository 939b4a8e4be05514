"""The extraction channels (jobs/fetch.py, jobs/images.py, jobs/services.py) and the
export's font."""

from config.settings.env import env

EXTRACTOR_ALLOWED_HOSTS = env.list("EXTRACTOR_ALLOWED_HOSTS", default=[])
EXTRACTOR_MAX_BYTES = env.int("EXTRACTOR_MAX_BYTES", default=2_000_000)
EXTRACTOR_TIMEOUT = env.float("EXTRACTOR_TIMEOUT", default=10.0)
EXTRACTOR_MAX_REDIRECTS = env.int("EXTRACTOR_MAX_REDIRECTS", default=5)
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=5_000_000)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
TEXT_MIN_CHARS = env.int("TEXT_MIN_CHARS", default=40)
TEXT_MAX_CHARS = env.int("TEXT_MAX_CHARS", default=50_000)

# CV and letter export: the PDF embeds the Noto fonts from this folder (Debian: fonts-noto-core,
# fonts-noto-cjk; documents/pdf.py lists the files), and gives up on a layout after this long
EXPORT_FONT_DIR = env("EXPORT_FONT_DIR", default="/usr/share/fonts")
EXPORT_MAX_SECONDS = env.float("EXPORT_MAX_SECONDS", default=5.0)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMAGE_MAX_BYTES + 1_000_000
