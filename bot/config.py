"""One settings object, built once from the environment and `.env`.

Nothing else in the project reads os.environ.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
# Telegram accepts 1-256 characters of A-Z a-z 0-9 _ - as a webhook secret; 32 of them (about
# 190 bits from secrets.token_urlsafe(32)) cannot be guessed by whoever finds the webhook's URL.
MIN_WEBHOOK_SECRET = 32
_WEBHOOK_SECRET = re.compile(rf"[A-Za-z0-9_-]{{{MIN_WEBHOOK_SECRET},256}}")

# The zone of a campaign that names none, and of the bot's own clock (TZ): written once here.
DEFAULT_TIMEZONE = "Asia/Shanghai"


class Settings(BaseSettings):
    """Every setting of the bot; see .env.example for what each one does."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str = ""
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    # A self-hosted Bot API server (--local) lifts getFile's 20 MB limit.
    telegram_local_mode: bool = False
    # An HTTP(S) proxy for every Bot API call and download, where Telegram is not reachable
    # directly (e.g. http://127.0.0.1:7890); empty: direct.
    telegram_proxy: str = ""
    bot_username: str = ""
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'yingjian.db'}"
    storage_dir: Path = PROJECT_ROOT / "var" / "files"
    tz: str = Field(default=DEFAULT_TIMEZONE, alias="TZ")
    units_file: Path = DATA_DIR / "units.toml"
    glossary_file: Path = DATA_DIR / "glossary.toml"
    campaigns_dir: Path = DATA_DIR / "campaigns"

    invite_ttl_hours: int = 72
    # How many updates the bot handles at once (they overlap while waiting on Telegram).
    concurrent_updates: int = 16
    max_upload_mb: int = 20
    reminder_check_seconds: int = 60
    # Files in the store that nothing refers to (a question cancelled, a file refused after
    # download) are removed once unreferenced for this long (a daily job, `python -m bot sweep`).
    orphan_blob_grace_hours: int = 24
    # Longest look inside one uploaded file (for matching); a peek that overruns is given up.
    peek_timeout_seconds: float = 2.0
    # At most UPLOAD_BURST files per UPLOAD_WINDOW_SECONDS from one unit (a burst beyond gets
    # one "请稍后再发" and is not downloaded); 0 turns the throttle off.
    upload_burst: int = 30
    upload_window_seconds: float = 60.0
    # Stored bytes one campaign may hold (its submissions, withdrawn too, and open questions);
    # a file that would go over is refused before download. 0: no quota.
    campaign_storage_quota_mb: int = 5120
    log_level: str = "INFO"

    @property
    def webhook_secret_ok(self) -> bool:
        """Whether WEBHOOK_SECRET is long enough and made of what Telegram accepts."""
        return _WEBHOOK_SECRET.fullmatch(self.webhook_secret) is not None

    @property
    def download_limit_bytes(self) -> int:
        """Largest file the bot may fetch: getFile's cap, unless a local Bot API server lifts it."""
        if self.telegram_local_mode:
            return 2000 * 1024 * 1024
        return self.max_upload_mb * 1024 * 1024

    @property
    def campaign_quota_bytes(self) -> int | None:
        """CAMPAIGN_STORAGE_QUOTA_MB in bytes; None when there is no quota."""
        if self.campaign_storage_quota_mb <= 0:
            return None
        return self.campaign_storage_quota_mb * 1024 * 1024


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
