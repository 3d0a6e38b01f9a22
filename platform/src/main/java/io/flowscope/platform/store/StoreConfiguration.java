package io.flowscope.platform.store;

import io.flowscope.platform.FlowscopeSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The server's store: the DuckDB file in {@code flowscope.data-dir}, locked down for the SQL endpoint. */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    @Bean(destroyMethod = "close")
    DuckDbStore duckDbStore(@Value("${flowscope.data-dir:}") String dataDir) throws SQLException, IOException {
        Path dir = dataDir.isBlank() ? FlowscopeSettings.defaultDataDir() : Path.of(dataDir);
        DuckDbStore store = DuckDbStore.open(dir);
        try (var c = store.connection(); Statement s = c.createStatement()) {
            // the server never reads files through SQL: even a query that slips past the SQL guard cannot
            s.execute("SET enable_external_access = false");
            s.execute("SET lock_configuration = true");
        }
        return store;
    }
}
