package io.github.djdd.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.Mojo;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A deployment POM's plugin-level {@code <configuration>} goes to every goal it runs, so every
 * goal must take every setting of every other goal (issue 27: {@code <settings>}, the Django
 * settings module, broke djdd:publish, whose Maven settings were a parameter of that name). The
 * test POM sets every documented setting; djdd-it's {@code all-goals-every-setting} runs the goals
 * on such a POM under Maven itself.
 */
@MojoTest
class EverySettingTest {
    private static final String POM = "src/test/resources/unit/every-setting/pom.xml";
    private static final Path IT_POM = Path.of("../djdd-it/src/it/all-goals-every-setting/pom.xml");
    private static final Path CONFIGURATION_PAGE = Path.of("../src/site/markdown/configuration.md");

    /** What Maven would do with one name that means two things: convert one goal's value to the other's type. */
    @Test
    void aParameterNameHasOneTypeInEveryGoalAndNoGoalHidesOneAsReadOnly() throws Exception {
        Map<String, Set<String>> types = new TreeMap<>();
        Set<String> editable = new TreeSet<>();
        Set<String> readOnly = new TreeSet<>();
        for (Element mojo : elements(descriptor().getDocumentElement(), "mojos", "mojo")) {
            for (Element parameter : elements(mojo, "parameters", "parameter")) {
                String name = text(parameter, "name");
                types.computeIfAbsent(name, any -> new TreeSet<>()).add(text(parameter, "type"));
                (Boolean.parseBoolean(text(parameter, "editable")) ? editable : readOnly).add(name);
            }
        }

        assertThat(types).allSatisfy((name, kinds) -> assertThat(kinds).as("the types of parameter " + name)
                .hasSize(1));
        assertThat(readOnly).as("read-only parameters named like a setting").doesNotContainAnyElementsOf(editable);
    }

    /** The POMs of this test and of djdd-it set every parameter of every goal and every documented element. */
    @Test
    void theTestPomsSetEverySetting() throws Exception {
        Set<String> parameters = new TreeSet<>();
        for (Element mojo : elements(descriptor().getDocumentElement(), "mojos", "mojo")) {
            if (text(mojo, "goal").equals("help")) {
                continue;
            }
            for (Element parameter : elements(mojo, "parameters", "parameter")) {
                if (Boolean.parseBoolean(text(parameter, "editable"))) {
                    parameters.add(text(parameter, "name"));
                }
            }
        }
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `(\\w+)` \\|").matcher(Files.readString(CONFIGURATION_PAGE));
        while (row.find()) {
            documented.add(row.group(1));
        }
        assertThat(parameters).as("parameters of the goals").contains("settings", "pip", "variants", "folder");
        assertThat(documented).as("rows of configuration.md").contains("settings", "aptly", "tlsListen");

        for (Path pom : List.of(Path.of(POM), IT_POM)) {
            Element configuration = elements(parse(pom).getDocumentElement(), "build", "plugins", "plugin",
                    "configuration").get(0);
            Set<String> top = names(configuration);
            Set<String> variant = new TreeSet<>();
            elements(configuration, "variants", "variant").forEach(element -> variant.addAll(names(element)));
            Set<String> pip = names(elements(configuration, "pip").get(0));
            Set<String> all = new TreeSet<>(top);
            all.addAll(variant);
            all.addAll(pip);

            assertThat(top).as(pom + ": the goals' parameters").containsAll(parameters);
            assertThat(all).as(pom + ": the settings configuration.md documents").containsAll(documented);
            assertThat(variant).as(pom + ": the elements of <variant>").containsAll(fields(Variant.class));
            assertThat(pip).as(pom + ": the elements of <pip>").containsAll(fields(Pip.class));
        }
    }

    @Test
    @InjectMojo(goal = "init", pom = POM)
    void initTakesIt(InitMojo mojo) throws Exception {
        assertThat(mojo.suite).isEqualTo("bookworm");
        assertThat(mojo.securityMirror).isEqualTo("none");
        assertSkipped(mojo);
    }

    @Test
    @InjectMojo(goal = "src", pom = POM)
    void srcTakesIt(SrcMojo mojo) throws Exception {
        assertThat(mojo.repository).isEqualTo("https://git.example.com/mysoftware.git");
        assertThat(mojo.ref).isEqualTo("main");
        assertSkipped(mojo);
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void buildTakesIt(BuildMojo mojo) throws Exception {
        assertThat(mojo.settings).isEqualTo("mysoftware.settings.production");
        assertThat(mojo.pip.isRequireHashes()).isTrue();
        assertThat(mojo.pip.getTrustedHosts()).containsExactly("pypi.example.com");
        assertThat(mojo.pip.getLockFile()).isEqualTo("uv.lock");
        assertThat(mojo.pip.getGroups()).containsExactly("prod");
        assertThat(mojo.pip.getExtras()).containsExactly("postgres");
        assertThat(mojo.pip.isInstallProject()).isTrue();
        assertThat(mojo.variants.get(0).getSecrets()).containsExactly("STRIPE_API_KEY");
        assertThat(mojo.variants.get(0).getSettings()).isEqualTo("mysoftware.settings.berlin");
        assertSkipped(mojo);
    }

    @Test
    @InjectMojo(goal = "publish", pom = POM)
    void publishTakesIt(PublishMojo mojo) throws Exception {
        assertThat(mojo.folder).hasToString("/srv/apt/mysoftware");
        assertThat(mojo.keep).isEqualTo(3);
        assertThat(mojo.aptlyRepo).isEqualTo("mysoftware-bookworm");
        assertThat(mojo.channel).isEqualTo("staging");
        assertThat(mojo.variants).extracting(Variant::getName).containsExactly("berlin", "blue");
        assertSkipped(mojo);
    }

    @Test
    @InjectMojo(goal = "promote", pom = POM)
    void promoteTakesIt(PromoteMojo mojo) throws Exception {
        assertThat(mojo.promoteVersion).isEqualTo("20261207.100000.deb12+g0123456789ab.cafe0123");
        assertThat(mojo.folder).hasToString("/srv/apt/mysoftware");
        assertSkipped(mojo);
    }

    @Test
    @InjectMojo(goal = "rollback", pom = POM)
    void rollbackTakesIt(RollbackMojo mojo) throws Exception {
        assertThat(mojo.keep).isEqualTo(3);
        assertThat(mojo.variants.get(0).getCeleryStopTimeout()).isEqualTo("1800");
        assertSkipped(mojo);
    }

    @Test
    @InjectMojo(goal = "help", pom = POM)
    void helpTakesIt(Mojo mojo) throws Exception {
        mojo.execute();
    }

    /** With {@code <skip>}, a goal does nothing: not even the build dir is made. */
    private static void assertSkipped(AbstractDjddMojo mojo) throws Exception {
        assertThat(mojo.skip).isTrue();
        assertThat(mojo.buildDir).hasToString("/var/lib/djdd/every-setting");
        mojo.execute();
        assertThat(mojo.buildDir).doesNotExist();
    }

    private static Document descriptor() throws Exception {
        try (InputStream in = EverySettingTest.class.getResourceAsStream("/META-INF/maven/plugin.xml")) {
            assertThat(in).as("the plugin descriptor").isNotNull();
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }

    private static Document parse(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    /** The elements at the end of {@code path} below {@code from}, child by child. */
    private static List<Element> elements(Element from, String... path) {
        List<Element> current = List.of(from);
        for (String name : path) {
            List<Element> next = new ArrayList<>();
            for (Element element : current) {
                NodeList children = element.getChildNodes();
                for (int i = 0; i < children.getLength(); i++) {
                    if (children.item(i) instanceof Element child && child.getTagName().equals(name)) {
                        next.add(child);
                    }
                }
            }
            current = next;
        }
        return current;
    }

    private static String text(Element element, String child) {
        List<Element> found = elements(element, child);
        return found.isEmpty() ? "" : found.get(0).getTextContent().strip();
    }

    private static Set<String> names(Element element) {
        Set<String> names = new LinkedHashSet<>();
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i).getNodeType() == Node.ELEMENT_NODE) {
                names.add(children.item(i).getNodeName());
            }
        }
        return names;
    }

    /** The elements a configuration class takes: its fields. */
    private static Set<String> fields(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (Field field : type.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) {
                names.add(field.getName());
            }
        }
        return names;
    }
}
