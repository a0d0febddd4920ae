"""Uploads: a received file is checked, stored, matched, and filed or asked about.

- files: which files are taken, the store, the facts recorded about a file
- admission: a unit's pace (the throttle) and a campaign's storage quota, before download
- matchers: one matcher per campaign, and the content peek when names are not enough
- receive: who may upload, duplicates, filing or a pending question
- choices: the buttons under a question and under a receipt
- filing: the filing step those share (own obligations and contributions to a lead)
- contributions: a lead adopting a supporting unit's file; results: what the use cases answer with
- links: one stored file counted for several of the unit's obligations (收一次，用多处)
"""

from bot.services.uploads.admission import OverQuota, TooManyUploads, campaign_stored_bytes
from bot.services.uploads.choices import (
    ChoiceGone,
    all_choices,
    cancel_pending,
    choose_indicator,
    reclassify,
    reclassify_choices,
    withdraw,
)
from bot.services.uploads.contributions import adopt_contribution
from bot.services.uploads.files import (
    ALLOWED_EXTENSIONS,
    FileFacts,
    FileRefused,
    UploadRequest,
    check_file,
    store_content,
)
from bot.services.uploads.links import (
    AlreadyLinked,
    LinkChoices,
    Linked,
    NothingToLink,
    link_choices,
    link_submission,
)
from bot.services.uploads.matchers import MatcherCache, campaign_profiles, match_upload
from bot.services.uploads.receive import CHOICES_SHOWN, admit_upload, receive_upload
from bot.services.uploads.results import (
    Admitted,
    Adopted,
    BlankTemplate,
    Cancelled,
    Choice,
    Duplicate,
    Filed,
    Ignored,
    MoveChoices,
    Moved,
    NeedsChoice,
    NotOwed,
    Throttled,
    UploadOutcome,
    Withdrawn,
)

__all__ = [
    "ALLOWED_EXTENSIONS",
    "CHOICES_SHOWN",
    "Admitted",
    "Adopted",
    "AlreadyLinked",
    "BlankTemplate",
    "Cancelled",
    "Choice",
    "ChoiceGone",
    "Duplicate",
    "FileFacts",
    "FileRefused",
    "Filed",
    "Ignored",
    "LinkChoices",
    "Linked",
    "MatcherCache",
    "MoveChoices",
    "Moved",
    "NeedsChoice",
    "NotOwed",
    "NothingToLink",
    "OverQuota",
    "Throttled",
    "TooManyUploads",
    "UploadOutcome",
    "UploadRequest",
    "Withdrawn",
    "admit_upload",
    "adopt_contribution",
    "all_choices",
    "campaign_profiles",
    "campaign_stored_bytes",
    "cancel_pending",
    "check_file",
    "choose_indicator",
    "link_choices",
    "link_submission",
    "match_upload",
    "receive_upload",
    "reclassify",
    "reclassify_choices",
    "store_content",
    "withdraw",
]
