package com.example.orderflow.shipping.shipment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CarriersTests {

	@Test
	void eachCountryInTheTableHasItsCarrier() {
		assertThat(Carriers.forCountry("DE")).isEqualTo("DHL");
		assertThat(Carriers.forCountry("FR")).isEqualTo("Colissimo");
		assertThat(Carriers.forCountry("NL")).isEqualTo("PostNL");
		assertThat(Carriers.forCountry("GB")).isEqualTo("Royal Mail");
		assertThat(Carriers.forCountry("US")).isEqualTo("UPS");
		assertThat(Carriers.forCountry("us")).isEqualTo("UPS");
	}

	@Test
	void otherCountriesGoInternational() {
		assertThat(Carriers.forCountry("JP")).isEqualTo(Carriers.INTERNATIONAL);
		assertThat(Carriers.forCountry(null)).isEqualTo(Carriers.INTERNATIONAL);
	}

}
