package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * optim is a library: its jar carries no logging configuration (issue 19 item 4; the command line's
 * is app's), while its tests read the command line's, so ND4J's INFO chatter stays off in test output.
 */
class LoggingConfigurationTest {

    @Test
    void theJarHasNoLoggingConfigurationAndTheTestsAreQuiet() throws Exception {
        assertFalse(Files.exists(Path.of("target/classes/logback.xml")), "optim's main classes ship a logback.xml (a stale copy from an older build: ./mvnw clean)");
        URL config = getClass().getClassLoader().getResource("logback.xml");
        assertNotNull(config, "no logback.xml on optim's test class path");
        assertTrue(config.toString().contains("test-classes"), config.toString());
        assertEquals(Level.WARN, ((Logger) LoggerFactory.getLogger("org.nd4j.linalg.factory.Nd4jBackend")).getEffectiveLevel());
        assertEquals(Level.ERROR, ((Logger) LoggerFactory.getLogger("org.bytedeco.javacpp.Loader")).getEffectiveLevel());
    }
}
