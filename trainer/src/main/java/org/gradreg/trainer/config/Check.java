package org.gradreg.trainer.config;

/** The configuration records' range checks: a failed one is an {@link IllegalArgumentException} naming the setting. */
final class Check {

    private Check() {
    }

    static void that(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
