"""The anti-fraud centre's HTTP service (an adapter: FastAPI routes over `fanzha.centre`, no logic of its own).

from fanzha.centre import Settings
from fanzha.service import create_app
app = create_app(Settings(db="sqlite:///centre.db"))      # uvicorn serves it: `fanzha serve`
"""

from fanzha.service.app import create_app

__all__ = ["create_app"]
