"""The application layer every edge calls: interviews from raw fields, a roster planned once, one run configuration."""
