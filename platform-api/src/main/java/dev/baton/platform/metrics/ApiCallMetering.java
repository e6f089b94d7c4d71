package dev.baton.platform.metrics;

import dev.baton.authz.web.ApiCallObserver;
import dev.baton.metrics.ApiCallMeters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Counts the API calls authz sees answered in the metrics module's meters (neither module knows the other). */
@Configuration(proxyBeanMethods = false)
public class ApiCallMetering {

    @Bean
    ApiCallObserver apiCallObserver(ApiCallMeters meters) {
        return meters::answered;
    }
}
