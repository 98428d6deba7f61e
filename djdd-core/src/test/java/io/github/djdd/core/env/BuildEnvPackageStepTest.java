package io.github.djdd.core.env;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildEnvPackageStepTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection"
                + " broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at"
                + " 0x7f3c>: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/django/",
        "pip._vendor.urllib3.exceptions.ProtocolError: ('Connection broken: IncompleteRead(1048576 bytes read,"
                + " 9437184 more expected)', IncompleteRead(1048576 bytes read, 9437184 more expected))",
        "WARNING: Retrying (Retry(total=4)) after connection broken by 'ProtocolError('Connection aborted.',"
                + " RemoteDisconnected('Remote end closed connection without response'))': /simple/celery/",
        "  Failed to establish a new connection: [Errno -3] Temporary failure in name resolution"})
    void pipsNetworkFailuresAreTold(String line) {
        assertThat(BuildEnvPackageStep.isNetworkFailure(line)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ERROR: Could not find a version that satisfies the requirement djdd-no-such-package==1.0 (from versions: none)",
        "ERROR: No matching distribution found for djdd-no-such-package==1.0",
        "ERROR: Invalid requirement: 'Django(5.2': Expected end or semicolon"})
    void requirementFailuresAreNot(String line) {
        assertThat(BuildEnvPackageStep.isNetworkFailure(line)).isFalse();
    }
}
