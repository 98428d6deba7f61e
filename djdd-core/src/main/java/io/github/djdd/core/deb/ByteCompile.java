package io.github.djdd.core.deb;

import java.util.Map;

/**
 * The maintainer scripts of a package of Python files: packages carry no byte-code (it would
 * differ between builds and belong to no one); {@code postinst} compiles, {@code prerm} cleans up.
 */
public final class ByteCompile {
    private ByteCompile() {}

    /**
     * @param python the interpreter whose byte-code the files get
     * @param dir the installed folder
     */
    public static Map<String, String> scripts(String python, String dir) {
        Map<String, String> values = Map.of("python", python, "dir", dir);
        return Map.of("postinst", Template.resource("compile-postinst").render(values),
                "prerm", Template.resource("compile-prerm").render(values));
    }
}
