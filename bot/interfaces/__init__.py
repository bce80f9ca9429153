"""The interfaces: command line, chat REPL, Discord, evaluation, and the renderers they
share. Each renders the `Answer` it gets from `bot.answer`; none retrieves on its own."""
