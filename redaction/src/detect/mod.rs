//! Detection of third-party personal data (being written: see issue "Detection").
