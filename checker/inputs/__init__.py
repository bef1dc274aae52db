"""Reading inputs: the files a user names or a repository holds, checked at the boundary."""
