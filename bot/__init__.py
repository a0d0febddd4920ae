"""迎检助手 core: configuration, domain models, services and the CLI. Knows nothing of Telegram."""
