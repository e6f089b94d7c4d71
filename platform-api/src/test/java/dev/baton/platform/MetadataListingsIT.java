package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Conductor's metadata listings, in Conductor's shapes. */
class MetadataListingsIT extends PlatformIT {

    @Test
    void namesAndVersionsListsEveryVersionOfEachNameInOrderWithoutBodies() throws Exception {
        String a = unique("listed_a");
        String b = unique("listed_b");
        for (String[] version : new String[][] {{a, "2"}, {a, "1"}, {b, "1"}}) {
            registerWorkflow("""
                    {"name":"%s","version":%s,"tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}"""
                    .formatted(version[0], version[1]));
        }
        HttpResponse<String> r = call("GET", "/api/metadata/workflow/names-and-versions", adminToken(), null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode listed = JSON.readTree(r.body());
        JsonNode versions = listed.get(a);
        assertThat(versions.size()).isEqualTo(2);
        assertThat(versions.get(0).get("name").asString()).isEqualTo(a);
        assertThat(versions.get(0).get("version").asInt()).isEqualTo(1);
        assertThat(versions.get(1).get("version").asInt()).isEqualTo(2);
        assertThat(versions.get(0).get("createTime").asLong()).isPositive();
        assertThat(versions.get(0).has("tasks")).as("no definition bodies").isFalse();
        assertThat(listed.get(b).size()).isEqualTo(1);
    }

    @Test
    void registeringAnExistingVersionConflictsUnlessOverwriteAndPutAnswersABulkResponse() throws Exception {
        String admin = adminToken();
        String name = unique("overwritten");
        String first = """
                {"name":"%s","version":1,"description":"first","tasks":[{"name":"n","taskReferenceName":"n",
                  "type":"NOOP"}]}""".formatted(name);
        assertThat(call("POST", "/api/metadata/workflow", admin, first).statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/metadata/workflow", admin, first).statusCode()).isEqualTo(409);
        String second = first.replace("\"first\"", "\"second\"");
        assertThat(call("POST", "/api/metadata/workflow?overwrite=true", admin, second).statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(call("GET", "/api/metadata/workflow/" + name + "?version=1", admin, null).body())
                .get("description").asString()).isEqualTo("second");

        var put = call("PUT", "/api/metadata/workflow", admin, "[" + first + "]");
        assertThat(put.statusCode()).isEqualTo(200);
        var bulk = JSON.readTree(put.body());
        assertThat(bulk.get("bulkSuccessfulResults").get(0).asString()).isEqualTo(name);
        assertThat(bulk.get("bulkErrorResults").size()).isZero();
    }
}
