package io.flowscope.platform.store;

import java.nio.file.Path;

/** The data directory's database is held by another process (DuckDB allows one process per file). */
public final class StoreLockedException extends RuntimeException {

    public StoreLockedException(Path file, Throwable cause) {
        super("the database " + file + " is in use by another Flowscope process"
                + " (DuckDB allows one process per file); import through that server with --server URL", cause);
    }
}
