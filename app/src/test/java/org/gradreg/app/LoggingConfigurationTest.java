package org.gradreg.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;

/**
 * The command line configures logging (issue 19 item 4): the one logback.xml on its class path is
 * app's own, not a library's, and keeps ND4J and JavaCPP at warnings.
 */
class LoggingConfigurationTest {

    @Test
    void theCommandLineOwnsTheOnlyLoggingConfiguration() throws Exception {
        List<URL> configs = Collections.list(Gradreg.class.getClassLoader().getResources("logback.xml"));
        assertEquals(1, configs.size(), configs.toString());
        URL config = configs.get(0);
        assertNotNull(config);
        assertTrue(config.toString().contains("app/target/classes"), config.toString());
        assertEquals(Level.WARN, ((Logger) LoggerFactory.getLogger("org.nd4j.linalg.factory.Nd4jBackend")).getEffectiveLevel());
        assertEquals(Level.ERROR, ((Logger) LoggerFactory.getLogger("org.bytedeco.javacpp.Loader")).getEffectiveLevel());
        assertEquals(Level.WARN, ((Logger) LoggerFactory.getLogger("org.gradreg.trainer")).getEffectiveLevel());
    }
}
