"""What the course will scrape from a project's git repository, read in-process with dulwich.

No program is ever started: not git, not anything a repository's configuration names (hooks,
``gpg.program``, ``core.fsmonitor``, filters). Every object read has a size cap and every walk a
bound in commits and time.
"""

from .history import first_version
from .repository import Commit, Repository, find_git_dir
from .store import RepoError, TooBig

__all__ = ["Commit", "RepoError", "Repository", "TooBig", "find_git_dir", "first_version"]
