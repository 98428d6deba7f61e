package io.github.djdd.core;

/** A configured value breaks a rule; {@link #setting()} names the setting so the plugin can point at it. */
public class InvalidConfigurationException extends DjddException {
    private static final long serialVersionUID = 1L;

    private final String setting;

    public InvalidConfigurationException(String setting, String message) {
        super(message);
        this.setting = setting;
    }

    /** The configuration element or property at fault, for example {@code software}. */
    public String setting() {
        return setting;
    }
}
