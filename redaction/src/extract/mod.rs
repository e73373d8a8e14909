//! Text out of the documents records point at (being written: see issue "Detection").
