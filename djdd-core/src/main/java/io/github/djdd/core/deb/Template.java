package io.github.djdd.core.deb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file djdd generates, kept as a resource that reads like the file it produces, with
 * {@code @name@} placeholders. Every placeholder must have a value, so a typo fails the build
 * instead of shipping a broken script.
 */
public final class Template {
    private static final Pattern PLACEHOLDER = Pattern.compile("@([a-zA-Z][a-zA-Z0-9]*)@");

    private final String name;
    private final String text;

    private Template(String name, String text) {
        this.name = name;
        this.text = text;
    }

    /** A template shipped beside this class. */
    public static Template resource(String name) {
        return resource(Template.class, name);
    }

    /** A template shipped beside {@code owner}. */
    public static Template resource(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("No template " + name);
            }
            return new Template(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A template from elsewhere, for example an operator's override in the project. */
    public static Template of(String name, String text) {
        return new Template(name, text);
    }

    /**
     * Fills every placeholder.
     *
     * @throws IllegalArgumentException naming the template and the placeholder that has no value
     */
    public String render(Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("Template " + name + " needs a value for @" + matcher.group(1) + "@");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return matcher.appendTail(out).toString();
    }
}
