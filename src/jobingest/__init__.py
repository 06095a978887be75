"""jobingest: job postings from boards, feeds, career pages and dumps into one warehouse."""

__version__ = "0.1.0"
