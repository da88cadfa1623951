import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
application = get_wsgi_application()

# Load scikit-learn in each web worker at start, not on the first similar-ideas
# request (it takes seconds to import).
import cocreate.ideas.similarity  # noqa: E402,F401
