"""What a rule may look at besides its document: settings and the stores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from credls.settings import Settings

if TYPE_CHECKING:
    from credls.store.chain import StoreChain


@dataclass
class CheckContext:
    """Everything a rule function receives besides the document model.

    ``chain`` is the store chain the document's calls and references resolve
    against (for an INI file being checked: its own file pair plus the
    configured stores). ``is_user_store`` is true when the document is one of
    the user's own configured stores, where literal keys are expected.
    """

    settings: Settings
    chain: StoreChain | None = None
    is_user_store: bool = False
