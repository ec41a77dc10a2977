"""fanzha 反诈: detect, warn, dissuade and investigate e-commerce / courier customer-service impersonation scams."""

__version__ = "0.1.0"
