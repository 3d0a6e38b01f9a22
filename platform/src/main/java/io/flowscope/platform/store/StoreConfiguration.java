package io.flowscope.platform.store;

import io.flowscope.platform.FlowscopeSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * The server's store: the DuckDB file in {@code flowscope.data-dir}, locked down for the SQL endpoint
 * (docs/security.md lists the settings). One bean, found by either type: the API takes it as a {@link Store},
 * ingest and the command line as a {@link DuckDbStore}. Public so that web-layer tests can import the store as
 * the server sets it up.
 */
@Configuration(proxyBeanMethods = false)
public class StoreConfiguration {

    @Bean(destroyMethod = "close")
    DuckDbStore duckDbStore(@Value("${flowscope.data-dir:}") String dataDir,
            @Value("${flowscope.store.memory-limit:2GB}") String memoryLimit,
            @Value("${flowscope.store.max-temp-size:8GB}") String maxTemp,
            @Value("${flowscope.sql.max-concurrent:2}") int sqlConcurrency,
            @Value("${flowscope.sql.max-vector-bytes:256MB}") DataSize maxVector,
            @Value("${flowscope.sql.max-value-bytes:4MB}") DataSize maxValue) throws SQLException, IOException {
        Path dir = dataDir.isBlank() ? FlowscopeSettings.defaultDataDir() : Path.of(dataDir);
        DuckDbStore store = DuckDbStore.open(dir);
        try {
            store.lockDown(memoryLimit, maxTemp, sqlConcurrency, maxVector.toBytes(), maxValue.toBytes());
        } catch (SQLException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }
}
